/**
 * The Double Ratchet's KDFs (Double Ratchet rev. 4 §5.2) as Knock instantiates them:
 *
 *     KDF_RK(rk, dh_out) = HKDF-SHA-256(IKM = dh_out, salt = rk, info = RATCHET_ROOT_INFO, L = 64)
 *                          → new root key (bytes 0–31) ‖ chain key (bytes 32–63)
 *     KDF_CK(ck)         → message key = HMAC-SHA-256(ck, 0x01), next chain key = HMAC-SHA-256(ck, 0x02)
 *     message key mk     → HKDF-SHA-256(IKM = mk, salt = 32 zero bytes, info = RATCHET_MESSAGE_INFO,
 *                          L = 44) = AES-256-GCM key (bytes 0–31) ‖ nonce (bytes 32–43)
 *
 * Every message key is used for exactly one message, so the derived nonce never repeats under a key.
 */
import type { CryptoBackend } from './backend.js';
import { utf8 } from './utf8.js';

export const RATCHET_ROOT_INFO = 'Knock_DoubleRatchet_RootKey';
export const RATCHET_MESSAGE_INFO = 'Knock_DoubleRatchet_MessageKey';

const ROOT_INFO = utf8(RATCHET_ROOT_INFO);
const MESSAGE_INFO = utf8(RATCHET_MESSAGE_INFO);
const MESSAGE_KEY_CONSTANT = Uint8Array.of(0x01);
const CHAIN_KEY_CONSTANT = Uint8Array.of(0x02);

export interface RootStep {
  readonly rootKey: Uint8Array;
  readonly chainKey: Uint8Array;
}

export async function kdfRootKey(
  crypto: CryptoBackend,
  rootKey: Uint8Array,
  dhOutput: Uint8Array,
): Promise<RootStep> {
  const out = await crypto.hkdfSha256(dhOutput, rootKey, ROOT_INFO, 64);
  return { rootKey: out.slice(0, 32), chainKey: out.slice(32, 64) };
}

export interface ChainStep {
  readonly chainKey: Uint8Array;
  readonly messageKey: Uint8Array;
}

export async function kdfChainKey(crypto: CryptoBackend, chainKey: Uint8Array): Promise<ChainStep> {
  return {
    messageKey: await crypto.hmacSha256(chainKey, MESSAGE_KEY_CONSTANT),
    chainKey: await crypto.hmacSha256(chainKey, CHAIN_KEY_CONSTANT),
  };
}

export interface AeadKey {
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
}

export async function messageAeadKey(
  crypto: CryptoBackend,
  messageKey: Uint8Array,
): Promise<AeadKey> {
  const out = await crypto.hkdfSha256(messageKey, new Uint8Array(32), MESSAGE_INFO, 44);
  return { key: out.slice(0, 32), nonce: out.slice(32, 44) };
}
