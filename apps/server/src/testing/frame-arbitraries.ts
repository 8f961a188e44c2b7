import { parseClientFrame } from '@knock/protocol/codec';
import { MAX_CIPHERTEXT_CHARS, MAX_FRAME_BYTES } from '@knock/protocol/limits';
import fc from 'fast-check';

/**
 * What a fuzzer puts on the wire, and what the server must answer:
 * - `valid`: a frame the protocol accepts (answered or not, as the protocol says);
 * - `invalid`: a text or binary frame the protocol refuses: an `invalid_frame` error, or after
 *   too many, a close with 1008;
 * - `fatal`: a frame the WebSocket layer itself refuses (larger than the payload limit: 1009;
 *   text that is not UTF-8: 1007).
 */
export type FuzzFrame =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; data: Uint8Array }
  | { kind: 'bad-utf8'; data: Uint8Array };

export type Verdict = 'valid' | 'invalid' | 'too-large' | 'bad-utf8';

/** The protocol's own parser is the oracle: no second opinion to drift from it. */
export function verdictOf(frame: FuzzFrame): Verdict {
  if (frame.kind === 'bad-utf8') return 'bad-utf8';
  if (frame.kind === 'binary') return frame.data.length > MAX_FRAME_BYTES ? 'too-large' : 'invalid';
  if (Buffer.byteLength(frame.text) > MAX_FRAME_BYTES) return 'too-large';
  return parseClientFrame(frame.text).ok ? 'valid' : 'invalid';
}

/** Keys that pollute prototypes when a parser or a merge trusts them. */
const POISON_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const POISON = '{"polluted":"yes","prototype":{"polluted":"yes"}}';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const base64url = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...ALPHABET), minLength, maxLength });
/** Well-formed ids for chats nobody is in. */
const strangerId = base64url(22, 22);
const clientMessageId = base64url(8, 64);
const seq = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER));

/** Raw JSON value texts that are wrong for some field, including ones JSON.stringify can't make. */
const evilValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '-1',
    '-0',
    '0.5',
    '1e400',
    '-1e400',
    '1e308',
    '9007199254740992',
    '9007199254740993',
    '18446744073709551616',
    '1e-7',
    'null',
    'true',
    'false',
    '""',
    '[]',
    '{}',
    '"1"',
    '"NaN"',
    '"Infinity"',
    '"\\u0000"',
    '"\\ud800"',
    '"‮evil"',
    POISON,
    '[' + POISON + ']',
  ),
  fc.integer().map(String),
  fc.double().map((d) => JSON.stringify(d) ?? 'null'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 80 }).map((s) => JSON.stringify(s)),
);

/** A JSON object text from [key, raw value] pairs: keeps duplicates and `__proto__` as written. */
const objectText = (entries: readonly (readonly [string, string])[]) =>
  `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

/** Valid client frames, as [key, raw value] pairs, for a chat the sender is in or a stranger's. */
function validEntries(chatId: fc.Arbitrary<string>) {
  const str = (a: fc.Arbitrary<string>) => a.map((s) => JSON.stringify(s));
  return fc.oneof(
    fc.tuple(str(chatId), str(clientMessageId), str(base64url(1, 64))).map(
      ([c, m, x]) =>
        [
          ['type', '"send"'],
          ['chatId', c],
          ['clientMessageId', m],
          ['ciphertext', x],
        ] as [string, string][],
    ),
    fc.tuple(fc.constantFrom('"ack"', '"read"'), str(chatId), seq).map(
      ([t, c, s]) =>
        [
          ['type', t],
          ['chatId', c],
          ['seq', String(s)],
        ] as [string, string][],
    ),
    fc.tuple(str(chatId), fc.boolean()).map(
      ([c, b]) =>
        [
          ['type', '"typing"'],
          ['chatId', c],
          ['typing', String(b)],
        ] as [string, string][],
    ),
    // Only far-ahead cursors: a replay of the whole chat per frame would only slow the run.
    fc.tuple(str(chatId), fc.integer({ min: 1e9, max: Number.MAX_SAFE_INTEGER })).map(
      ([c, s]) =>
        [
          ['type', '"sync"'],
          ['chatId', c],
          ['afterSeq', String(s)],
        ] as [string, string][],
    ),
  );
}

/** Valid frames, mutated: a field retyped, dropped, duplicated, or a poison key added. */
function nearValid(chatId: fc.Arbitrary<string>): fc.Arbitrary<FuzzFrame> {
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('retype' as const), at: fc.nat(), value: evilValue }),
    fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), value: evilValue }),
    fc.record({
      op: fc.constant('poison' as const),
      key: fc.constantFrom(...POISON_KEYS),
      value: fc.oneof(fc.constant(POISON), evilValue),
    }),
    fc.record({
      op: fc.constant('type' as const),
      value: fc.constantFrom('"SEND"', '"sent"', '"message"', '"ready"', '""', '"send "', '1'),
    }),
  );
  return fc
    .tuple(validEntries(chatId), fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([entries, mutations]) => {
      const out = entries.slice();
      for (const m of mutations) {
        if (m.op === 'poison') out.splice(out.length === 0 ? 0 : 1, 0, [m.key, m.value]);
        else if (m.op === 'type') out[0] = ['type', m.value];
        else if (out.length > 0) {
          const i = m.at % out.length;
          const key = out[i]?.[0] ?? 'type';
          if (m.op === 'retype') out[i] = [key, m.value];
          else if (m.op === 'drop') out.splice(i, 1);
          else out.push([key, m.value]);
        }
      }
      return { kind: 'text' as const, text: objectText(out) };
    });
}

/** Strings longer than the schema allows, still inside the WebSocket payload limit. */
function oversizeFields(chatId: fc.Arbitrary<string>): fc.Arbitrary<FuzzFrame> {
  return fc
    .tuple(
      chatId,
      fc.constantFrom('ciphertext', 'clientMessageId', 'chatId'),
      fc.integer({ min: 1, max: 600 }),
    )
    .map(([chat, field, extra]) => {
      const long = (n: number) => 'A'.repeat(n);
      const frame: Record<string, string> = {
        type: 'send',
        chatId: chat,
        clientMessageId: 'fuzz-message-id',
        ciphertext: 'AAAA',
      };
      if (field === 'ciphertext') frame['ciphertext'] = long(MAX_CIPHERTEXT_CHARS + extra);
      else if (field === 'clientMessageId') frame['clientMessageId'] = long(64 + extra);
      else frame['chatId'] = long(22 + extra);
      return { kind: 'text' as const, text: JSON.stringify(frame) };
    });
}

/** Every kind of frame a hostile or broken client might send, weighted toward the interesting. */
export function fuzzFrame(memberChatId: string): fc.Arbitrary<FuzzFrame> {
  const chatId = fc.oneof(fc.constant(memberChatId), strangerId);
  const text = (a: fc.Arbitrary<string>) => a.map((t) => ({ kind: 'text' as const, text: t }));
  return fc.oneof(
    { weight: 30, arbitrary: nearValid(chatId) },
    { weight: 12, arbitrary: text(fc.json({ maxDepth: 3 })) },
    { weight: 8, arbitrary: text(fc.string({ unit: 'binary', maxLength: 200 })) },
    { weight: 6, arbitrary: text(fc.string({ unit: 'grapheme', maxLength: 100 })) },
    {
      weight: 8,
      arbitrary: fc
        .uint8Array({ maxLength: 300 })
        .map((data) => ({ kind: 'binary' as const, data })),
    },
    {
      weight: 16,
      arbitrary: validEntries(chatId).map((e) => ({ kind: 'text' as const, text: objectText(e) })),
    },
    { weight: 3, arbitrary: oversizeFields(chatId) },
    {
      // Text frames that are not UTF-8 at all.
      weight: 1,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 40 })
        .map((bytes) => ({ kind: 'bad-utf8' as const, data: Uint8Array.from([...bytes, 0xff]) })),
    },
    {
      // Beyond the WebSocket payload limit.
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 4096 })
        .map((extra) => ({ kind: 'text' as const, text: 'x'.repeat(MAX_FRAME_BYTES + extra) })),
    },
  );
}
