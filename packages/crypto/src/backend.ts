/**
 * The primitives layer of Knock's end-to-end encryption (DESIGN.md §5). PQXDH and the Double
 * Ratchet are built on this interface alone, so they run unchanged on either backend:
 *
 * - `webcrypto-backend.ts`: the platform's `crypto.subtle` (browsers, Node ≥ 20).
 * - `noble-backend.ts`: audited pure-JS `@noble/*` code, the fallback where WebCrypto lacks X25519 or
 *   Ed25519, and an independent second implementation that the tests hold the first one against.
 *
 * ## Keys
 *
 * Public keys are always raw `Uint8Array`s (32 bytes for X25519 and Ed25519).
 *
 * Private keys are opaque {@link PrivateKey} handles: plain, structured-clonable objects whose
 * `handle` only the backend that made them may read. The WebCrypto backend keeps a `CryptoKey`
 * there, created **non-extractable** unless the caller passes `{ extractable: true }`: a browser
 * can put the whole handle into IndexedDB, and no script can read the key's bytes back out. A Node
 * file store, which has nowhere else to keep a key, asks for `{ extractable: true }` and then gets
 * the raw bytes from {@link CryptoBackend.exportPrivateKey} (32-byte X25519 scalar or Ed25519 seed),
 * to be re-imported with `importX25519` / `importEd25519`. Exporting a non-extractable key throws
 * `not_extractable`. The noble backend holds bytes in memory and cannot enforce
 * non-extractability against code in the same process; it honours the flag in its API all the same.
 * A handle from one backend is refused by the other (`invalid_private_key`).
 *
 * ML-KEM-768 has no WebCrypto implementation yet: its decapsulation key is a plain 2400-byte
 * `Uint8Array` in both backends, which share `@noble/post-quantum`.
 *
 * ## Failure
 *
 * Everything fails closed with a {@link CryptoError} (see `errors.ts`). The two exceptions are the
 * `verify*` methods, which answer `false` for anything that is not a valid signature or MAC,
 * malformed input included; `requireValid` turns that into a thrown error.
 */
export type BackendName = 'webcrypto' | 'noble';

export type KeyAlgorithm = 'X25519' | 'Ed25519';

/** An opaque private key. Treat every field but `algorithm` and `extractable` as private. */
export interface PrivateKey<A extends KeyAlgorithm = KeyAlgorithm> {
  readonly algorithm: A;
  readonly backend: BackendName;
  /** Whether {@link CryptoBackend.exportPrivateKey} will hand out the raw bytes. */
  readonly extractable: boolean;
  /** Backend-owned material: a WebCrypto `CryptoKey`, or raw bytes in the noble backend. */
  readonly handle: unknown;
}

export interface KeyPair<A extends KeyAlgorithm> {
  readonly publicKey: Uint8Array;
  readonly privateKey: PrivateKey<A>;
}

export interface KeyOptions {
  /** Default `false`: the raw private key can never be read back (WebCrypto backend). */
  readonly extractable?: boolean;
}

export interface MlKemKeyPair {
  /** Encapsulation key, 1184 bytes. */
  readonly publicKey: Uint8Array;
  /** Decapsulation key, 2400 bytes. Secret. */
  readonly secretKey: Uint8Array;
}

export interface MlKemEncapsulation {
  /** 1088 bytes, sent to the holder of the decapsulation key. */
  readonly ciphertext: Uint8Array;
  /** 32 bytes. Secret. */
  readonly sharedSecret: Uint8Array;
}

export interface CryptoBackend {
  readonly name: BackendName;

  /** Bytes from the platform's CSPRNG. */
  randomBytes(length: number): Uint8Array;

  sha256(data: Uint8Array): Promise<Uint8Array>;
  sha512(data: Uint8Array): Promise<Uint8Array>;

  /** HMAC-SHA-256 (RFC 2104) with a key of at least one byte; returns the full 32-byte tag. */
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** Constant-time check of a full 32-byte tag; `false` for any other length. */
  verifyHmacSha256(key: Uint8Array, data: Uint8Array, tag: Uint8Array): Promise<boolean>;

  /**
   * HKDF-SHA-256 (RFC 5869). `ikm` must be at least one byte; an empty `salt` means 32 zero bytes.
   * `length` is 1 to 8160 (255 × 32) bytes; anything else throws `invalid_input`.
   */
  hkdfSha256(
    ikm: Uint8Array,
    salt: Uint8Array,
    info: Uint8Array,
    length: number,
  ): Promise<Uint8Array>;

  /** AES-256-GCM with a 12-byte nonce and a 16-byte tag; returns ciphertext ‖ tag. */
  aes256GcmEncrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    associatedData: Uint8Array,
  ): Promise<Uint8Array>;
  /** Inverse of {@link aes256GcmEncrypt}; throws `decrypt_failed` if authentication fails. */
  aes256GcmDecrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    ciphertextAndTag: Uint8Array,
    associatedData: Uint8Array,
  ): Promise<Uint8Array>;

  generateX25519(options?: KeyOptions): Promise<KeyPair<'X25519'>>;
  /** Imports a 32-byte X25519 private key (RFC 7748 scalar, clamped when used). */
  importX25519(privateKey: Uint8Array, options?: KeyOptions): Promise<KeyPair<'X25519'>>;
  /**
   * X25519 (RFC 7748). Throws `invalid_public_key` for a public key that is not 32 bytes, is
   * all-zero or of low order, i.e. whenever the shared secret would be all-zero (RFC 7748 §6.1).
   * Non-canonical encodings are reduced as RFC 7748 §5 prescribes.
   */
  x25519(privateKey: PrivateKey<'X25519'>, publicKey: Uint8Array): Promise<Uint8Array>;

  generateEd25519(options?: KeyOptions): Promise<KeyPair<'Ed25519'>>;
  /** Imports a 32-byte Ed25519 private key (the RFC 8032 seed). */
  importEd25519(seed: Uint8Array, options?: KeyOptions): Promise<KeyPair<'Ed25519'>>;
  signEd25519(privateKey: PrivateKey<'Ed25519'>, message: Uint8Array): Promise<Uint8Array>;
  /**
   * Strict RFC 8032 verification, no ZIP-215 leniency: `false` unless the key is 32 and the
   * signature 64 bytes, S < L, A and R are canonical encodings of points not of small order, and
   * the verification equation holds.
   */
  verifyEd25519(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;

  /** Raw private key bytes of a key made with `{ extractable: true }`; else `not_extractable`. */
  exportPrivateKey(privateKey: PrivateKey): Promise<Uint8Array>;

  /** ML-KEM-768 (FIPS 203) key pair; from a 64-byte seed d ‖ z if given, else random. */
  generateMlKem768(seed?: Uint8Array): Promise<MlKemKeyPair>;
  /** Encapsulates to `publicKey`; `randomness` (32 bytes, the FIPS 203 m) only for test vectors. */
  encapsulateMlKem768(publicKey: Uint8Array, randomness?: Uint8Array): Promise<MlKemEncapsulation>;
  /** Decapsulates; a forged ciphertext yields FIPS 203's implicit-rejection secret, not an error. */
  decapsulateMlKem768(secretKey: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
}
