/**
 * The state transitions of the Double Ratchet (rev. 4 §3.5): the DH ratchet step and skipping
 * message keys. Each returns a new state and leaves its input untouched.
 */
import type { CryptoBackend } from './backend.js';
import { CryptoError } from './errors.js';
import { kdfChainKey, kdfRootKey } from './ratchet-kdf.js';
import { MAX_SKIP, MAX_SKIPPED_KEYS, type SessionState, type SkippedKey } from './session-state.js';

/** DHRatchet(state, header): a new receiving chain for `remoteKey`, then a new sending chain. */
export async function dhRatchetStep(
  crypto: CryptoBackend,
  state: SessionState,
  remoteKey: Uint8Array,
): Promise<SessionState> {
  const receiving = await kdfRootKey(
    crypto,
    state.rootKey,
    await crypto.x25519(state.sendingRatchetKey.privateKey, remoteKey),
  );
  const sendingRatchetKey = await crypto.generateX25519({ extractable: state.extractable });
  const sending = await kdfRootKey(
    crypto,
    receiving.rootKey,
    await crypto.x25519(sendingRatchetKey.privateKey, remoteKey),
  );
  return {
    ...state,
    previousSendCount: state.sendCount,
    sendCount: 0,
    receiveCount: 0,
    receivingRatchetKey: new Uint8Array(remoteKey),
    receivingChainKey: receiving.chainKey,
    rootKey: sending.rootKey,
    sendingRatchetKey,
    sendingChainKey: sending.chainKey,
  };
}

export interface Skipped {
  readonly state: SessionState;
  readonly count: number;
}

/**
 * SkipMessageKeys(state, until): keeps the keys of messages `receiveCount` … `until − 1` of the
 * current receiving chain. Throws `too_many_skipped` beyond {@link MAX_SKIP}; drops the oldest
 * kept keys beyond {@link MAX_SKIPPED_KEYS}.
 */
export async function skipMessageKeys(
  crypto: CryptoBackend,
  state: SessionState,
  until: number,
): Promise<Skipped> {
  if (state.receivingChainKey === null || until <= state.receiveCount) return { state, count: 0 };
  if (until - state.receiveCount > MAX_SKIP) {
    throw new CryptoError('too_many_skipped', `a message may skip at most ${MAX_SKIP} keys`);
  }
  const added: SkippedKey[] = [];
  let chainKey = state.receivingChainKey;
  for (let n = state.receiveCount; n < until; n++) {
    const step = await kdfChainKey(crypto, chainKey);
    added.push({ ratchetKey: state.receivingRatchetKey, n, messageKey: step.messageKey });
    chainKey = step.chainKey;
  }
  const skippedKeys = [...state.skippedKeys, ...added].slice(-MAX_SKIPPED_KEYS);
  const next = { ...state, receivingChainKey: chainKey, receiveCount: until, skippedKeys };
  return { state: next, count: added.length };
}
