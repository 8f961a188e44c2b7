/**
 * PQXDH, initiator side (rev. 3 §3.3), followed by RatchetInitAlice (Double Ratchet §3.3) with the
 * responder's signed prekey as its first ratchet key:
 *
 *     DH1 = DH(IK_A, SPK_B)   DH2 = DH(EK_A, IK_B)   DH3 = DH(EK_A, SPK_B)   DH4 = DH(EK_A, OPK_B)
 *     (CT, SS) = ML-KEM-768.Encaps(PQPK_B)
 *     SK = KDF(DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS)   (see `pqxdh-kdf.ts`)
 *
 * EK_A is used once and dropped. The returned state sends its first messages as initial messages.
 */
import type { CryptoBackend } from './backend.js';
import { verifyBundle, type PrekeyBundle } from './bundle.js';
import { publicIdentity, type Identity } from './identity.js';
import { encodeKeyAgreement } from './initial-message.js';
import { checkPreSharedKey, derivePqxdhSecret, pqxdhAssociatedData } from './pqxdh-kdf.js';
import { kdfRootKey } from './ratchet-kdf.js';
import type { SessionState } from './session-state.js';

export interface InitiateOptions {
  /** Our identity. */
  readonly identity: Identity;
  /** The responder's bundle; verified here, fail closed. */
  readonly bundle: PrekeyBundle;
  /** The responder's Ed25519 key if known beforehand (a guest link carries it). */
  readonly expectedSigningKey?: Uint8Array;
  /** Optional 32-byte pre-shared key; the responder must supply the same one. */
  readonly psk?: Uint8Array;
  /** Create ratchet keys extractable, for stores that need the JSON form. Default false. */
  readonly extractable?: boolean;
}

export async function initiateSession(
  crypto: CryptoBackend,
  options: InitiateOptions,
): Promise<SessionState> {
  const { identity, bundle, psk } = options;
  checkPreSharedKey(psk);
  await verifyBundle(crypto, bundle, options.expectedSigningKey);
  const spk = bundle.signedPrekey.publicKey;
  const ephemeral = await crypto.generateX25519();
  const dh = [
    await crypto.x25519(identity.dhKey.privateKey, spk),
    await crypto.x25519(ephemeral.privateKey, bundle.identity.dhKey),
    await crypto.x25519(ephemeral.privateKey, spk),
  ];
  const otp = bundle.oneTimePrekey;
  if (otp !== null) dh.push(await crypto.x25519(ephemeral.privateKey, otp.publicKey));
  const kem = await crypto.encapsulateMlKem768(bundle.kemPrekey.publicKey);
  const sk = await derivePqxdhSecret(crypto, dh, kem.sharedSecret, psk);
  for (const output of [...dh, kem.sharedSecret]) output.fill(0);

  const local = publicIdentity(identity);
  const extractable = options.extractable ?? false;
  const sendingRatchetKey = await crypto.generateX25519({ extractable });
  const first = await kdfRootKey(
    crypto,
    sk,
    await crypto.x25519(sendingRatchetKey.privateKey, spk),
  );
  sk.fill(0);
  return {
    version: 1,
    localIdentity: local,
    remoteIdentity: bundle.identity,
    associatedData: pqxdhAssociatedData(local, bundle.identity),
    extractable,
    rootKey: first.rootKey,
    sendingRatchetKey,
    sendingChainKey: first.chainKey,
    sendCount: 0,
    previousSendCount: 0,
    receivingRatchetKey: new Uint8Array(spk),
    receivingChainKey: null,
    receiveCount: 0,
    skippedKeys: [],
    pendingKeyAgreement: encodeKeyAgreement({
      initiator: local,
      baseKey: ephemeral.publicKey,
      signedPrekeyId: bundle.signedPrekey.id,
      kemPrekeyId: bundle.kemPrekey.id,
      oneTimePrekeyId: otp === null ? null : otp.id,
      kemCiphertext: kem.ciphertext,
    }),
    acceptedKeyAgreement: null,
  };
}
