/**
 * RatchetDecrypt (Double Ratchet rev. 4 §3.5), transactional: all work happens on new state
 * objects, and a new state is returned only after the message authenticated. On any error the
 * caller's state is unchanged. A message key is used once: a kept (skipped) key is removed when it
 * is used, and a message number below the current receiving counter is refused as `replay`.
 */
import type { CryptoBackend } from './backend.js';
import { concatBytes, constantTimeEqual } from './bytes.js';
import { CryptoError } from './errors.js';
import { openMessage } from './message-crypto.js';
import { dhRatchetStep, skipMessageKeys } from './ratchet-chain.js';
import { kdfChainKey } from './ratchet-kdf.js';
import type { RatchetMessage } from './ratchet-message.js';
import type { DecryptResult, SessionState } from './session-state.js';

function findSkipped(state: SessionState, message: RatchetMessage): number {
  const { dh, n } = message.header;
  return state.skippedKeys.findIndex(
    (entry) => entry.n === n && constantTimeEqual(entry.ratchetKey, dh),
  );
}

function counters(message: RatchetMessage) {
  return { previousChainLength: message.header.pn, messageNumber: message.header.n };
}

export async function ratchetDecrypt(
  crypto: CryptoBackend,
  state: SessionState,
  message: RatchetMessage,
): Promise<DecryptResult> {
  const ad = concatBytes(state.associatedData, message.headerBytes);
  const index = findSkipped(state, message);
  if (index >= 0) {
    const plaintext = await openMessage(
      crypto,
      state.skippedKeys[index]!.messageKey,
      message.ciphertext,
      ad,
    );
    const skippedKeys = state.skippedKeys.filter((_, i) => i !== index);
    return {
      state: { ...state, skippedKeys },
      plaintext,
      header: counters(message),
      newlySkipped: 0,
      outOfOrder: true,
    };
  }
  let next = state;
  let newlySkipped = 0;
  if (!constantTimeEqual(message.header.dh, state.receivingRatchetKey)) {
    const skipped = await skipMessageKeys(crypto, next, message.header.pn);
    newlySkipped += skipped.count;
    next = await dhRatchetStep(crypto, skipped.state, message.header.dh);
  } else if (message.header.n < state.receiveCount) {
    throw new CryptoError('replay', 'message key already used or discarded');
  }
  const skipped = await skipMessageKeys(crypto, next, message.header.n);
  newlySkipped += skipped.count;
  next = skipped.state;
  if (next.receivingChainKey === null) throw new CryptoError('decrypt_failed');
  const step = await kdfChainKey(crypto, next.receivingChainKey);
  const plaintext = await openMessage(crypto, step.messageKey, message.ciphertext, ad);
  return {
    state: { ...next, receivingChainKey: step.chainKey, receiveCount: next.receiveCount + 1 },
    plaintext,
    header: counters(message),
    newlySkipped,
    outOfOrder: false,
  };
}
