import * as v from 'valibot';
import {
  CLIENT_MESSAGE_ID_PATTERN,
  ID_PATTERN,
  MAX_CIPHERTEXT_CHARS,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_PASSWORD_LENGTH,
} from './limits.js';

/** A server-minted identifier (128 random bits, base64url). */
export const Id = v.pipe(v.string(), v.regex(ID_PATTERN));

export const ClientMessageId = v.pipe(v.string(), v.regex(CLIENT_MESSAGE_ID_PATTERN));

/** A per-chat sequence number: a positive safe integer. Zero means "before the first message". */
export const Seq = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(0),
  v.maxValue(Number.MAX_SAFE_INTEGER),
);

/** Milliseconds since the Unix epoch. */
export const Timestamp = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Opaque payload bytes as unpadded base64url, at most 64 KiB decoded. */
export const Ciphertext = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(MAX_CIPHERTEXT_CHARS),
  v.regex(/^[A-Za-z0-9_-]+$/),
);

/** Raw text as typed; the server normalises and checks the rules (see names.ts). */
export const UsernameInput = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
export const DisplayNameInput = v.pipe(v.string(), v.maxLength(MAX_DISPLAY_NAME_LENGTH * 4));
export const PasswordInput = v.pipe(v.string(), v.maxLength(MAX_PASSWORD_LENGTH));
