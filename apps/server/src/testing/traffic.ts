import type { ServerFrame } from '@knock/protocol/frames';
import { text, type RawClient } from './raw-client.js';
import { waitFor } from './wait.js';

type SentFrame = Extract<ServerFrame, { type: 'sent' }>;
type MessageFrame = Extract<ServerFrame, { type: 'message' }>;

/** A client message id that sorts in send order: `prefix-000042`. */
export const messageId = (prefix: string, i: number): string =>
  `${prefix}-${String(i).padStart(6, '0')}`;

/** The payload a test sends for a message id, so that receivers can check what they got. */
export const payloadOf = (clientMessageId: string): string => text(`payload of ${clientMessageId}`);

/** clientMessageId → seq from every `sent` ack the client received (later acks must agree). */
export function acksOf(client: RawClient, chatId: string): Map<string, number> {
  const acks = new Map<string, number>();
  for (const frame of client.frames) {
    if (frame.type !== 'sent' || frame.chatId !== chatId) continue;
    const earlier = acks.get(frame.clientMessageId);
    if (earlier !== undefined && earlier !== frame.seq) {
      throw new Error(`${frame.clientMessageId} acked as ${earlier} and as ${frame.seq}`);
    }
    acks.set(frame.clientMessageId, frame.seq);
  }
  return acks;
}

/** Sends every id (pipelined, nothing awaited in between) and waits until each one is acked. */
export async function sendAll(
  client: RawClient,
  chatId: string,
  ids: readonly string[],
  timeoutMs = 20_000,
): Promise<Map<string, number>> {
  for (const id of ids) {
    client.send({ type: 'send', chatId, clientMessageId: id, ciphertext: payloadOf(id) });
  }
  const wanted = new Set(ids);
  const count = () =>
    client.frames.filter(
      (f): f is SentFrame =>
        f.type === 'sent' && f.chatId === chatId && wanted.has(f.clientMessageId),
    ).length;
  await waitFor(() => count() >= ids.length, `${ids.length} acks`, timeoutMs);
  const failures = client.frames.filter((f) => f.type === 'error');
  if (failures.length > 0) throw new Error(`sends failed: ${JSON.stringify(failures.slice(0, 3))}`);
  return acksOf(client, chatId);
}

/** Waits until the client has received a message with `seq` in the chat `times` times. */
export async function receivedSeq(
  client: RawClient,
  chatId: string,
  seq: number,
  times = 1,
  timeoutMs = 20_000,
): Promise<MessageFrame[]> {
  await waitFor(
    () => client.messages(chatId).filter((m) => m.seq === seq).length >= times,
    `message ${seq} (${times}×)`,
    timeoutMs,
  );
  return client.messages(chatId);
}

/** 1, 2, …, n. */
export const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/**
 * Splits a received seq stream into runs of consecutive seqs: [1,2,3,2,3] → [[1,2,3],[2,3]]. A
 * stream without gaps or replays is a single run.
 */
export function seqRuns(seqs: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const seq of seqs) {
    const run = runs.at(-1);
    if (run && run.at(-1) === seq - 1) run.push(seq);
    else runs.push([seq]);
  }
  return runs;
}
