/**
 * The encoding checks that make Ed25519 verification strict (RFC 8032 §5.1.7 plus the small-order
 * rules of Wycheproof and "Taming the many EdDSAs"), applied identically before either backend's
 * verification equation, so that both accept exactly the same signatures:
 *
 * - S must be canonical: S < L (rejects malleated signatures).
 * - A and R must be canonical point encodings: y < p (a y in [p, 2^255) is refused).
 * - A and R must not be of small order (the 8 torsion points, whose y is 0, 1, p−1, y8 or p−y8):
 *   such keys and commitments make a signature valid for many or all messages.
 *
 * Everything here works on public data only.
 */
const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/** y of the order-8 torsion points, from its canonical encoding. */
const Y8 = littleEndian(
  Uint8Array.from(
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'
      .match(/../g)!
      .map((h) => parseInt(h, 16)),
  ),
);
const SMALL_ORDER_Y = new Set([0n, 1n, P - 1n, Y8, P - Y8]);

/** A 32-byte point encoding whose y is canonical and not that of a small-order point. */
export function isAcceptablePointEncoding(encoding: Uint8Array): boolean {
  if (encoding.length !== 32) return false;
  const y = littleEndian(encoding) & (2n ** 255n - 1n);
  return y < P && !SMALL_ORDER_Y.has(y);
}

/** The strict pre-checks on a public key and signature; the curve equation is the backend's. */
export function passesStrictEncodingChecks(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const s = littleEndian(signature.subarray(32));
  return (
    s < L &&
    isAcceptablePointEncoding(publicKey) &&
    isAcceptablePointEncoding(signature.subarray(0, 32))
  );
}
