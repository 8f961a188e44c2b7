import { isKnockError } from '@knock/client/errors';
import type { SendFailedEvent, SentEvent } from '@knock/client/events';
import type { KnockClient } from '@knock/client/knock-client';
import { InvalidArgumentError } from 'commander';
import { CliError, identityChangedError, toCliError, usageError } from './errors.js';
import type { CliIo } from './io.js';
import { readAll } from './stdin.js';

export interface SendSettings {
  /** How long to wait for the server, in seconds. */
  timeout: number;
  /** The peer as the user names it, for an `identity_changed` error. */
  peer: string;
  /** What to tell the user when the server refuses the credentials. */
  refused: string;
  /** The commands that send a message left queued, e.g. "`knock send` or `knock listen`". */
  later: string;
}

type Outcome = { ok: true; sent: SentEvent } | { ok: false; error: CliError };

export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError('Expected a positive number of seconds.');
  return seconds;
}

/** The message of `send <text>`: the text, or stdin for `-` (without its final newline). */
export async function messageBody(io: CliIo, text: string): Promise<string> {
  const body = text === '-' ? (await readAll(io.stdin)).replace(/\r?\n$/, '') : text;
  if (body.trim() === '') throw usageError('The message is empty.');
  return body;
}

/**
 * Queues `body` in the client's outbox, connects and waits until the server has stored it (or
 * refused it, or the time is up: then it stays queued for `later`).
 */
export async function sendAndConfirm(
  client: KnockClient,
  chatId: string,
  body: string,
  settings: SendSettings,
): Promise<SentEvent> {
  const id = await client.sendText(chatId, body).catch((error: unknown) => {
    throw isKnockError(error) && error.code === 'identity_changed'
      ? identityChangedError(settings.peer)
      : error;
  });
  const outcome = new Promise<Outcome>((resolve) => {
    client.on('sent', (sent) => {
      if (sent.clientMessageId === id) resolve({ ok: true, sent });
    });
    client.on('sendFailed', (failed: SendFailedEvent) => {
      if (failed.clientMessageId === id)
        resolve({ ok: false, error: new CliError(failed.code, failed.message) });
    });
    client.on('state', ({ state }) => {
      if (state === 'unauthorized')
        resolve({ ok: false, error: new CliError('unauthorized', settings.refused) });
    });
  });
  // Refused credentials arrive as the `state` event above; anything else fails the send.
  const failed = client.connect().then(
    () => new Promise<never>(() => undefined),
    (error: unknown): Outcome => ({ ok: false, error: toCliError(error) }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      const message = `Not confirmed within ${settings.timeout}s; the message stays queued and goes out with the next ${settings.later}.`;
      resolve({ ok: false, error: new CliError('timeout', message) });
    }, settings.timeout * 1000);
  });
  const result = await Promise.race([outcome, failed, timeout]);
  clearTimeout(timer);
  if (!result.ok) throw result.error;
  return result.sent;
}
