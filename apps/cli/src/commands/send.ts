import type { SendFailedEvent, SentEvent } from '@knock/client/events';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { sessionClient } from '../client-factory.js';
import { isKnockError } from '@knock/client/errors';
import { CliError, identityChangedError, toCliError, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { readAll } from '../stdin.js';
import { requireSession } from '../state.js';

interface SendOptions extends CommonOptions {
  timeout: number;
}

type Outcome = { ok: true; sent: SentEvent } | { ok: false; error: CliError };

export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError('Expected a positive number of seconds.');
  return seconds;
}

/**
 * `knock send <username> <text>`: finds or creates the chat, queues the message in the outbox in
 * the state directory, connects and waits until the server has stored it.
 */
export function registerSend(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('send')
      .description('send a message and wait until the server has stored it')
      .argument('<username>', 'who to send to')
      .argument('<text>', 'the message; - reads it from stdin')
      .option('--timeout <seconds>', 'how long to wait for the server', parseSeconds, 30),
  ).action(async (username: string, text: string, options: SendOptions) => {
    const stateDir = stateDirFrom(options, io);
    const session = await requireSession(stateDir);
    const body = text === '-' ? (await readAll(io.stdin)).replace(/\r?\n$/, '') : text;
    if (body.trim() === '') throw usageError('The message is empty.');
    const client = sessionClient(io, options, stateDir, session, { receive: false });
    try {
      await client.publishKeys();
      const chat = await client.startChat(username);
      const id = await client.sendText(chat.id, body).catch((error: unknown) => {
        throw isKnockError(error) && error.code === 'identity_changed'
          ? identityChangedError(username)
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
          if (state === 'unauthorized') {
            const message =
              'The server no longer accepts this login. Run `knock login <username>`.';
            resolve({ ok: false, error: new CliError('unauthorized', message) });
          }
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
          const message = `Not confirmed within ${options.timeout}s; the message stays queued and goes out with the next \`knock send\` or \`knock listen\`.`;
          resolve({ ok: false, error: new CliError('timeout', message) });
        }, options.timeout * 1000);
      });
      const result = await Promise.race([outcome, failed, timeout]);
      clearTimeout(timer);
      if (!result.ok) throw result.error;
      const { sent } = result;
      await new Output(io, options.json === true).emit(
        `Sent to ${chat.peer.username} (seq ${sent.seq}).`,
        {
          type: 'sent',
          to: chat.peer.username,
          ...sent,
        },
      );
    } finally {
      await client.close();
    }
  });
}
