/** Parses any Knock wire message (initial or ratchet) by its type byte; strict, see both formats. */
import { CryptoError } from './errors.js';
import { decodeInitialMessage, type InitialMessage } from './initial-message.js';
import { decodeRatchetMessage, MESSAGE_TYPE, type RatchetMessage } from './ratchet-message.js';

export type WireMessage =
  ({ readonly type: 'initial' } & InitialMessage) | ({ readonly type: 'ratchet' } & RatchetMessage);

export function decodeMessage(bytes: Uint8Array): WireMessage {
  if (!(bytes instanceof Uint8Array) || bytes.length < 2) {
    throw new CryptoError('malformed', 'message too short');
  }
  return bytes[1] === MESSAGE_TYPE.initial
    ? { type: 'initial', ...decodeInitialMessage(bytes) }
    : { type: 'ratchet', ...decodeRatchetMessage(bytes) };
}
