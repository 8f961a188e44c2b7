/**
 * Sizes of the wire formats (`ratchet-message.ts`, `initial-message.ts`) as plain numbers, with no
 * other imports, for code that must measure a message without parsing or decrypting it: the
 * server counts a guest's request allowance in content bytes (docs/protocol.md).
 */

export const MESSAGE_TYPE = { initial: 1, ratchet: 2 } as const;
/** version, type, DH (32), PN (u32), N (u32). */
export const RATCHET_HEADER_LENGTH = 42;
/** AES-256-GCM tag after a ratchet message's ciphertext. */
export const TAG_LENGTH = 16;
/** ML-KEM-768's ciphertext (FIPS 203, table 3). */
export const ML_KEM_768_CIPHERTEXT_LENGTH = 1088;
/** version, type, identity (128), EK (32), two prekey ids (u32 each), one-time flag and id, KEM ciphertext. */
export const KEY_AGREEMENT_LENGTH = 2 + 128 + 32 + 4 + 4 + 5 + ML_KEM_768_CIPHERTEXT_LENGTH;

/**
 * The padded plaintext a wire message carries: its length without the key-agreement part (for
 * an initial message), the ratchet header and the tag. Zero for anything too short to be one.
 */
export function paddedContentLength(wire: Uint8Array): number {
  const agreement = wire[1] === MESSAGE_TYPE.initial ? KEY_AGREEMENT_LENGTH : 0;
  return Math.max(0, wire.length - agreement - RATCHET_HEADER_LENGTH - TAG_LENGTH);
}
