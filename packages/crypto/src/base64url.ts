/** Unpadded base64url (RFC 4648 §5): the key fields of a JWK and the protocol's JSON forms. */
import { CryptoError } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function decodeBase64url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw new CryptoError('invalid_input', 'malformed base64url');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) throw new CryptoError('invalid_input', 'malformed base64url');
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(chunk >> (18 - 6 * c)) & 63];
  }
  return out;
}

/**
 * Decoding that accepts only the one canonical encoding of each byte string (no padding, unused
 * bits zero), so that a value has exactly one text form. Anything else throws `malformed`.
 */
export function decodeBase64urlStrict(text: unknown): Uint8Array {
  if (typeof text !== 'string') throw new CryptoError('malformed', 'expected a base64url string');
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64url(text);
  } catch {
    throw new CryptoError('malformed', 'malformed base64url');
  }
  if (encodeBase64url(bytes) !== text)
    throw new CryptoError('malformed', 'non-canonical base64url');
  return bytes;
}
