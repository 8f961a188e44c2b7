/**
 * The one error type of `@knock/crypto`. Every primitive fails closed by throwing a `CryptoError`;
 * nothing returns a partial or default result. Messages never carry key material or plaintext.
 */
export type CryptoErrorCode =
  /** A public key is malformed, all-zero or of low order, or a DH result is all-zero. */
  | 'invalid_public_key'
  /** A private key handle is malformed or belongs to another backend or algorithm. */
  | 'invalid_private_key'
  /** An argument has the wrong length or range (key, nonce, seed, output length). */
  | 'invalid_input'
  /** A signature did not verify where the caller requires one (see `requireValid`). */
  | 'bad_signature'
  /** A MAC did not verify where the caller requires one (see `requireValid`). */
  | 'bad_mac'
  /** AES-GCM authentication failed: wrong key, nonce, associated data or a tampered ciphertext. */
  | 'decrypt_failed'
  /** The private key was created non-extractable, so its raw bytes cannot be exported. */
  | 'not_extractable'
  /** The platform lacks a primitive this backend needs (e.g. WebCrypto without X25519). */
  | 'unsupported'
  /** Protocol: bytes or JSON that do not parse as the expected structure, or bad padding. */
  | 'malformed'
  /** Protocol: a message or record of a protocol version this code does not know. */
  | 'unsupported_version'
  /** Protocol: an initial message names prekeys other than those supplied. */
  | 'unknown_prekey'
  /** Protocol: the identity in a bundle is not the one the caller expected. */
  | 'identity_mismatch'
  /** Protocol: an invite bundle is not the one its guest link names (another invite id). */
  | 'invite_mismatch'
  /** Protocol: an initial message does not belong to this session. */
  | 'session_mismatch'
  /** Protocol: the message key was already used or discarded (duplicate or replay). */
  | 'replay'
  /** Protocol: a message would need more skipped message keys than the cap allows. */
  | 'too_many_skipped';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}

/** Turns a failed check into a thrown `CryptoError`, for callers that must not continue. */
export function requireValid(ok: boolean, code: 'bad_signature' | 'bad_mac'): void {
  if (!ok) throw new CryptoError(code);
}
