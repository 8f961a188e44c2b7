/**
 * The wire form of an initial (PQXDH) message, version 1: the key-agreement part followed by a
 * complete ratchet message (see `ratchet-message.ts`). Integers big-endian.
 *
 *     u8   version = 0x01
 *     u8   type    = 0x01 (initial message)
 *     128  initiator's public identity (Ed25519 key ‖ X25519 key ‖ signature)
 *     32   EK, the initiator's ephemeral X25519 key
 *     u32  id of the responder's signed prekey
 *     u32  id of the responder's ML-KEM-768 prekey
 *     u8   one-time prekey used (0|1) ‖ u32 its id (0 when unused)
 *     1088 ML-KEM-768 ciphertext
 *     ..   the first ratchet message
 *
 * The initiator sends every message in this form until it has received a reply, so the responder
 * can start the session from whichever arrives first. The key-agreement part (the first
 * {@link KEY_AGREEMENT_LENGTH} bytes) is identical in all of them.
 */
import { concatBytes } from './bytes.js';
import { CryptoError } from './errors.js';
import type { PublicIdentity } from './identity.js';
import { encodePublicIdentity, readPublicIdentity } from './identity-codec.js';
import { ML_KEM_768 } from './ml-kem.js';
import { requireX25519PublicKey } from './public-keys.js';
import {
  decodeRatchetMessage,
  MESSAGE_TYPE,
  readEnvelope,
  WIRE_VERSION,
  type RatchetMessage,
} from './ratchet-message.js';
import { u32Bytes, WireReader } from './wire-reader.js';
import { KEY_AGREEMENT_LENGTH } from './wire-sizes.js';

export { KEY_AGREEMENT_LENGTH };

export interface KeyAgreement {
  readonly initiator: PublicIdentity;
  readonly baseKey: Uint8Array;
  readonly signedPrekeyId: number;
  readonly kemPrekeyId: number;
  readonly oneTimePrekeyId: number | null;
  readonly kemCiphertext: Uint8Array;
}

export interface InitialMessage extends KeyAgreement {
  /** The encoded key-agreement part, as it appears at the start of the message. */
  readonly keyAgreementBytes: Uint8Array;
  readonly message: RatchetMessage;
}

export function encodeKeyAgreement(agreement: KeyAgreement): Uint8Array {
  const otp = agreement.oneTimePrekeyId;
  return concatBytes(
    Uint8Array.of(WIRE_VERSION, MESSAGE_TYPE.initial),
    encodePublicIdentity(agreement.initiator),
    agreement.baseKey,
    u32Bytes(agreement.signedPrekeyId),
    u32Bytes(agreement.kemPrekeyId),
    Uint8Array.of(otp === null ? 0 : 1),
    u32Bytes(otp ?? 0),
    agreement.kemCiphertext,
  );
}

export function decodeInitialMessage(bytes: Uint8Array): InitialMessage {
  const reader = new WireReader(bytes);
  if (readEnvelope(reader) !== MESSAGE_TYPE.initial) {
    throw new CryptoError('malformed', 'expected an initial message');
  }
  const initiator = readPublicIdentity(reader);
  requireX25519PublicKey(initiator.dhKey);
  const baseKey = reader.bytesOf(32);
  requireX25519PublicKey(baseKey);
  const signedPrekeyId = reader.u32();
  const kemPrekeyId = reader.u32();
  const hasOneTime = reader.flag();
  const oneTimeId = reader.u32();
  if (!hasOneTime && oneTimeId !== 0) throw new CryptoError('malformed', 'stray one-time id');
  const kemCiphertext = reader.bytesOf(ML_KEM_768.ciphertextLength);
  const message = decodeRatchetMessage(reader.rest());
  return {
    initiator,
    baseKey,
    signedPrekeyId,
    kemPrekeyId,
    oneTimePrekeyId: hasOneTime ? oneTimeId : null,
    kemCiphertext,
    keyAgreementBytes: bytes.slice(0, KEY_AGREEMENT_LENGTH),
    message,
  };
}
