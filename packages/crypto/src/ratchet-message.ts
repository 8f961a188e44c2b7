/**
 * The wire form of a Double Ratchet message (version 1), integers big-endian:
 *
 *     u8  version = 0x01
 *     u8  type    = 0x02 (ratchet message)
 *     32  DH      sender's current ratchet public key (X25519)
 *     u32 PN      number of messages in the sender's previous sending chain
 *     u32 N       number of this message in the current sending chain
 *     ..  AES-256-GCM ciphertext of the padded plaintext, then the 16-byte tag
 *
 * The first 42 bytes are the header; the AEAD's associated data is the session AD followed by them,
 * so version, type and every header field are authenticated. Parsing is strict and rejects
 * low-order DH keys and ciphertexts whose length is not a padding bucket (at most 1 MiB) plus the
 * tag.
 */
import { concatBytes } from './bytes.js';
import { CryptoError } from './errors.js';
import { MAX_PLAINTEXT_LENGTH, paddedLength } from './padding.js';
import { requireX25519PublicKey } from './public-keys.js';
import { u32Bytes, WireReader } from './wire-reader.js';
import { MESSAGE_TYPE, RATCHET_HEADER_LENGTH, TAG_LENGTH } from './wire-sizes.js';

export { MESSAGE_TYPE, RATCHET_HEADER_LENGTH };
export const WIRE_VERSION = 1;

export interface RatchetHeader {
  readonly dh: Uint8Array;
  readonly pn: number;
  readonly n: number;
}

export interface RatchetMessage {
  readonly header: RatchetHeader;
  /** The encoded header, as authenticated. */
  readonly headerBytes: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export function encodeRatchetHeader(header: RatchetHeader): Uint8Array {
  return concatBytes(
    Uint8Array.of(WIRE_VERSION, MESSAGE_TYPE.ratchet),
    header.dh,
    u32Bytes(header.pn),
    u32Bytes(header.n),
  );
}

/** Reads version and type; throws unless they are known. */
export function readEnvelope(reader: WireReader): number {
  if (reader.u8() !== WIRE_VERSION) throw new CryptoError('unsupported_version');
  const type = reader.u8();
  if (type !== MESSAGE_TYPE.initial && type !== MESSAGE_TYPE.ratchet) {
    throw new CryptoError('malformed', 'unknown message type');
  }
  return type;
}

function isCiphertextLength(length: number): boolean {
  const padded = length - TAG_LENGTH;
  return (
    padded >= 1 &&
    padded <= paddedLength(MAX_PLAINTEXT_LENGTH) &&
    paddedLength(padded - 1) === padded
  );
}

export function decodeRatchetMessage(bytes: Uint8Array): RatchetMessage {
  const reader = new WireReader(bytes);
  if (readEnvelope(reader) !== MESSAGE_TYPE.ratchet) {
    throw new CryptoError('malformed', 'expected a ratchet message');
  }
  const dh = reader.bytesOf(32);
  requireX25519PublicKey(dh);
  const header = { dh, pn: reader.u32(), n: reader.u32() };
  const ciphertext = reader.rest();
  if (!isCiphertextLength(ciphertext.length)) {
    throw new CryptoError('malformed', 'ciphertext length is not a padding bucket');
  }
  return { header, headerBytes: bytes.slice(0, RATCHET_HEADER_LENGTH), ciphertext };
}
