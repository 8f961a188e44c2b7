/** Sealing and opening one message with a message key: padding, key derivation, AES-256-GCM. */
import type { CryptoBackend } from './backend.js';
import { pad, unpad } from './padding.js';
import { messageAeadKey } from './ratchet-kdf.js';

export async function sealMessage(
  crypto: CryptoBackend,
  messageKey: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Promise<Uint8Array> {
  const { key, nonce } = await messageAeadKey(crypto, messageKey);
  return crypto.aes256GcmEncrypt(key, nonce, pad(plaintext), associatedData);
}

/** Throws `decrypt_failed` for anything that does not authenticate, `malformed` for bad padding. */
export async function openMessage(
  crypto: CryptoBackend,
  messageKey: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
): Promise<Uint8Array> {
  const { key, nonce } = await messageAeadKey(crypto, messageKey);
  return unpad(await crypto.aes256GcmDecrypt(key, nonce, ciphertext, associatedData));
}
