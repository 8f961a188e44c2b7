/**
 * Safety numbers: 60 decimal digits that two people compare to check that no one sits between
 * them. Modelled on Signal's numeric fingerprint (version 0 layout), computed from each party's
 * Ed25519 identity key and stable user id:
 *
 *     h = u16 0x0000 ‖ Encode(IKsig) ‖ UTF-8(userId)
 *     repeat 5200 times: h = SHA-512(h ‖ Encode(IKsig))
 *     digits = for each of the first six 5-byte chunks of h (30 bytes):
 *              the chunk as a big-endian integer mod 100000, as 5 digits with leading zeros
 *
 * Encode(IKsig) is 0x06 ‖ the 32-byte key. Each party yields 30 digits; the safety number is the
 * two strings in ascending order, concatenated, so both sides compute the same 60 digits. It is
 * shown as 12 groups of 5 digits. Any change of either key or user id changes it.
 */
import type { CryptoBackend } from './backend.js';
import { concatBytes } from './bytes.js';
import { encodeKey, requireEd25519PublicKey } from './public-keys.js';
import { utf8 } from './utf8.js';

export const SAFETY_NUMBER_ITERATIONS = 5200;

export interface SafetyNumberParty {
  /** A stable id for the party, e.g. the user id or a guest's id in the chat. */
  readonly userId: string;
  /** The party's Ed25519 identity public key. */
  readonly signingKey: Uint8Array;
}

async function partDigits(crypto: CryptoBackend, party: SafetyNumberParty): Promise<string> {
  requireEd25519PublicKey(party.signingKey);
  const key = encodeKey('ed25519', party.signingKey);
  let hash = concatBytes(new Uint8Array(2), key, utf8(party.userId));
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) {
    hash = await crypto.sha512(concatBytes(hash, key));
  }
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + hash[chunk * 5 + i]!;
    digits += String(value % 100000).padStart(5, '0');
  }
  return digits;
}

/** The 60-digit safety number of two parties; the same whichever is passed first. */
export async function safetyNumber(
  crypto: CryptoBackend,
  a: SafetyNumberParty,
  b: SafetyNumberParty,
): Promise<string> {
  const parts = [await partDigits(crypto, a), await partDigits(crypto, b)].sort();
  return parts.join('');
}

/** "12345 67890 …": twelve groups of five digits. */
export function formatSafetyNumber(digits: string): string {
  return digits.match(/.{1,5}/g)?.join(' ') ?? '';
}
