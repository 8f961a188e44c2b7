/**
 * PQXDH, responder side (rev. 3 §3.4), followed by RatchetInitBob (Double Ratchet §3.3) with the
 * signed prekey as the first ratchet key pair, and the decryption of the first message. Nothing is
 * returned unless that message authenticates, which proves the initiator derived the same SK (and,
 * with a pre-shared key, knew it).
 *
 * The caller looks the prekeys up by the ids in the parsed message, passes them in, and after
 * persisting the new session deletes the one-time prekeys it reports as used (ML-KEM one-time
 * prekeys too; a last-resort one stays). The signed prekey's private key never enters the session.
 */
import type { CryptoBackend } from './backend.js';
import { CryptoError } from './errors.js';
import { publicIdentity, verifyPublicIdentity, type Identity } from './identity.js';
import type { InitialMessage } from './initial-message.js';
import { checkPreSharedKey, derivePqxdhSecret, pqxdhAssociatedData } from './pqxdh-kdf.js';
import type { KemPrekey, OneTimePrekey, SignedPrekey } from './prekeys.js';
import { ratchetDecrypt } from './ratchet-decrypt.js';
import type { DecryptResult, SessionState } from './session-state.js';

export interface AcceptOptions {
  readonly identity: Identity;
  readonly signedPrekey: SignedPrekey;
  readonly kemPrekey: KemPrekey;
  /** Required exactly when the message names a one-time prekey. */
  readonly oneTimePrekey?: OneTimePrekey;
  readonly psk?: Uint8Array;
  readonly extractable?: boolean;
}

export interface AcceptResult extends DecryptResult {
  /** Prekeys consumed by this session: delete the one-time ones once the state is stored. */
  readonly usedPrekeys: {
    readonly oneTimePrekeyId: number | null;
    readonly kemPrekeyId: number;
    readonly kemPrekeyIsLastResort: boolean;
  };
}

function checkPrekeyIds(options: AcceptOptions, message: InitialMessage): void {
  const otp = options.oneTimePrekey;
  const ok =
    options.signedPrekey.id === message.signedPrekeyId &&
    options.kemPrekey.id === message.kemPrekeyId &&
    (otp === undefined ? message.oneTimePrekeyId === null : otp.id === message.oneTimePrekeyId);
  if (!ok) throw new CryptoError('unknown_prekey', 'the message names other prekeys');
}

export async function acceptInitialMessage(
  crypto: CryptoBackend,
  options: AcceptOptions,
  message: InitialMessage,
): Promise<AcceptResult> {
  const { identity, signedPrekey, kemPrekey, oneTimePrekey, psk } = options;
  checkPreSharedKey(psk);
  checkPrekeyIds(options, message);
  await verifyPublicIdentity(crypto, message.initiator);
  const spk = signedPrekey.keyPair.privateKey;
  const dh = [
    await crypto.x25519(spk, message.initiator.dhKey),
    await crypto.x25519(identity.dhKey.privateKey, message.baseKey),
    await crypto.x25519(spk, message.baseKey),
  ];
  if (oneTimePrekey !== undefined) {
    dh.push(await crypto.x25519(oneTimePrekey.keyPair.privateKey, message.baseKey));
  }
  const ss = await crypto.decapsulateMlKem768(kemPrekey.keyPair.secretKey, message.kemCiphertext);
  const sk = await derivePqxdhSecret(crypto, dh, ss, psk);
  for (const output of [...dh, ss]) output.fill(0);

  const local = publicIdentity(identity);
  // RatchetInitBob: DHs = the signed prekey, DHr and CKs unset. The placeholders below never
  // survive: the first message always takes the DH ratchet step, which replaces all three.
  const initial: SessionState = {
    version: 1,
    localIdentity: local,
    remoteIdentity: message.initiator,
    associatedData: pqxdhAssociatedData(message.initiator, local),
    extractable: options.extractable ?? false,
    rootKey: sk,
    sendingRatchetKey: signedPrekey.keyPair,
    sendingChainKey: new Uint8Array(32),
    sendCount: 0,
    previousSendCount: 0,
    receivingRatchetKey: new Uint8Array(32),
    receivingChainKey: null,
    receiveCount: 0,
    skippedKeys: [],
    pendingKeyAgreement: null,
    acceptedKeyAgreement: message.keyAgreementBytes,
  };
  const result = await ratchetDecrypt(crypto, initial, message.message);
  return {
    ...result,
    usedPrekeys: {
      oneTimePrekeyId: message.oneTimePrekeyId,
      kemPrekeyId: kemPrekey.id,
      kemPrekeyIsLastResort: kemPrekey.lastResort,
    },
  };
}
