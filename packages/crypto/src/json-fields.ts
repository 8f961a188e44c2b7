/**
 * Strict readers for the protocol's JSON forms: an object must have exactly the expected keys, and
 * each field the expected type and length. Any deviation throws `malformed`.
 */
import { decodeBase64urlStrict } from './base64url.js';
import { CryptoError } from './errors.js';
import { isU32 } from './wire-reader.js';

export type JsonRecord = Readonly<Record<string, unknown>>;

export function jsonObject(value: unknown, keys: readonly string[], what: string): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CryptoError('malformed', `${what} must be an object`);
  }
  const record = value as JsonRecord;
  const actual = Object.keys(record);
  if (actual.length !== keys.length || !keys.every((key) => Object.hasOwn(record, key))) {
    throw new CryptoError('malformed', `${what} must have exactly: ${keys.join(', ')}`);
  }
  return record;
}

/** A base64url field, of exactly `length` bytes unless `length` is undefined. */
export function jsonBytes(record: JsonRecord, key: string, length?: number): Uint8Array {
  const bytes = decodeBase64urlStrict(record[key]);
  if (length !== undefined && bytes.length !== length) {
    throw new CryptoError('malformed', `${key} must be ${length} bytes`);
  }
  return bytes;
}

export function jsonU32(record: JsonRecord, key: string): number {
  const value = record[key];
  if (!isU32(value)) throw new CryptoError('malformed', `${key} must be a 32-bit unsigned integer`);
  return value;
}

export function jsonBoolean(record: JsonRecord, key: string): boolean {
  const value = record[key];
  if (typeof value !== 'boolean') throw new CryptoError('malformed', `${key} must be a boolean`);
  return value;
}

export function jsonVersion(record: JsonRecord, expected: number): void {
  if (record['version'] !== expected) {
    throw new CryptoError('unsupported_version', `expected version ${expected}`);
  }
}
