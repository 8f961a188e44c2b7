/**
 * The exact bytes that Knock's Ed25519 identity keys sign. Each payload starts with its own ASCII
 * label and a zero byte, so a signature made for one purpose can never be read as another:
 *
 * - identity:      "Knock/v1/identity-key" 0x00 ‖ Encode(X25519 identity key)
 * - signed prekey: "Knock/v1/signed-prekey" 0x00 ‖ u32 id ‖ Encode(X25519 prekey)
 * - KEM prekey:    "Knock/v1/kem-prekey" 0x00 ‖ u32 id ‖ u8 lastResort ‖ Encode(ML-KEM-768 key)
 * - invite:        "Knock/v1/invite" 0x00 ‖ inviteId (16) ‖ u32 signed prekey id ‖ Encode(X25519)
 *                  ‖ u32 KEM prekey id ‖ u8 lastResort ‖ Encode(ML-KEM-768) ‖ u64 expiresAt (ms,
 *                  0 for none) ‖ u16 length ‖ UTF-8 display name
 *
 * Encode() is the type byte of `public-keys.ts` followed by the raw key; u32 is big-endian.
 */
import { concatBytes } from './bytes.js';
import { CryptoError } from './errors.js';
import { encodeKey } from './public-keys.js';
import { u32Bytes } from './wire-reader.js';
import { utf8 } from './utf8.js';

function labelled(label: string, ...body: Uint8Array[]): Uint8Array {
  return concatBytes(utf8(`Knock/v1/${label}`), Uint8Array.of(0), ...body);
}

export function identityPayload(dhKey: Uint8Array): Uint8Array {
  return labelled('identity-key', encodeKey('x25519', dhKey));
}

export function signedPrekeyPayload(id: number, publicKey: Uint8Array): Uint8Array {
  return labelled('signed-prekey', u32Bytes(id), encodeKey('x25519', publicKey));
}

export function kemPrekeyPayload(id: number, lastResort: boolean, publicKey: Uint8Array) {
  return labelled(
    'kem-prekey',
    u32Bytes(id),
    Uint8Array.of(lastResort ? 1 : 0),
    encodeKey('mlKem768', publicKey),
  );
}

export interface InviteTerms {
  readonly inviteId: Uint8Array;
  readonly signedPrekey: { readonly id: number; readonly publicKey: Uint8Array };
  readonly kemPrekey: {
    readonly id: number;
    readonly lastResort: boolean;
    readonly publicKey: Uint8Array;
  };
  readonly expiresAt: number | null;
  readonly displayName: string;
}

export function invitePayload(terms: InviteTerms): Uint8Array {
  const { inviteId, signedPrekey: spk, kemPrekey: kem, expiresAt, displayName } = terms;
  const name = utf8(displayName);
  if (name.length > 0xffff) throw new CryptoError('invalid_input', 'display name too long');
  const expiry = new Uint8Array(8);
  new DataView(expiry.buffer).setBigUint64(0, BigInt(expiresAt ?? 0));
  return labelled(
    'invite',
    inviteId,
    u32Bytes(spk.id),
    encodeKey('x25519', spk.publicKey),
    u32Bytes(kem.id),
    Uint8Array.of(kem.lastResort ? 1 : 0),
    encodeKey('mlKem768', kem.publicKey),
    expiry,
    Uint8Array.of(name.length >> 8, name.length & 0xff),
    name,
  );
}
