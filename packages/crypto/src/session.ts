/**
 * The two operations of an established session. Both are transactional: they return a new state
 * and never modify the one passed in.
 *
 * - `encrypt(crypto, state, plaintext)` → `{ state, message }`: persist `state`, then send `message`.
 * - `decrypt(crypto, state, message)` → `{ state, plaintext, … }`: persist `state`, then show the
 *   plaintext. Any failure throws a `CryptoError` and the old state stays valid.
 *
 * Starting a session is in `pqxdh-initiator.ts` and `pqxdh-responder.ts`.
 */
import type { CryptoBackend } from './backend.js';
import { concatBytes, constantTimeEqual } from './bytes.js';
import { CryptoError } from './errors.js';
import { sealMessage } from './message-crypto.js';
import { ratchetDecrypt } from './ratchet-decrypt.js';
import { kdfChainKey } from './ratchet-kdf.js';
import { encodeRatchetHeader } from './ratchet-message.js';
import type { DecryptResult, EncryptResult, SessionState } from './session-state.js';
import { decodeMessage } from './wire-message.js';

const MAX_COUNTER = 0xffffffff;

export async function encrypt(
  crypto: CryptoBackend,
  state: SessionState,
  plaintext: Uint8Array,
): Promise<EncryptResult> {
  if (state.sendCount >= MAX_COUNTER) {
    throw new CryptoError('invalid_input', 'sending chain exhausted');
  }
  const step = await kdfChainKey(crypto, state.sendingChainKey);
  const headerBytes = encodeRatchetHeader({
    dh: state.sendingRatchetKey.publicKey,
    pn: state.previousSendCount,
    n: state.sendCount,
  });
  const ad = concatBytes(state.associatedData, headerBytes);
  const ciphertext = await sealMessage(crypto, step.messageKey, plaintext, ad);
  const ratchetMessage = concatBytes(headerBytes, ciphertext);
  const pending = state.pendingKeyAgreement;
  return {
    state: { ...state, sendingChainKey: step.chainKey, sendCount: state.sendCount + 1 },
    message: pending === null ? ratchetMessage : concatBytes(pending, ratchetMessage),
  };
}

/**
 * Decrypts a ratchet message, or an initial message of this session (one whose key-agreement part
 * equals the one that started it; any other initial message is `session_mismatch`: start a new
 * session with `acceptInitialMessage` instead).
 */
export async function decrypt(
  crypto: CryptoBackend,
  state: SessionState,
  message: Uint8Array,
): Promise<DecryptResult> {
  const parsed = decodeMessage(message);
  if (parsed.type === 'initial') {
    const accepted = state.acceptedKeyAgreement;
    if (accepted === null || !constantTimeEqual(accepted, parsed.keyAgreementBytes)) {
      throw new CryptoError('session_mismatch', 'initial message of another session');
    }
  }
  const result = await ratchetDecrypt(
    crypto,
    state,
    parsed.type === 'initial' ? parsed.message : parsed,
  );
  if (result.state.pendingKeyAgreement === null) return result;
  // A message from the responder proves it has the session: stop sending the key agreement.
  return { ...result, state: { ...result.state, pendingKeyAgreement: null } };
}
