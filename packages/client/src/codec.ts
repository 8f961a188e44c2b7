/**
 * THE payload seam. Everything the client sends or receives as message content passes through a
 * `PayloadCodec`: `encode` turns content bytes into the bytes that go on the wire (and into the
 * outbox), `decode` turns wire bytes back into content bytes or throws.
 */
export interface PayloadCodec {
  encode(chatId: string, plaintext: Uint8Array): Promise<Uint8Array>;
  decode(chatId: string, senderId: string, ciphertext: Uint8Array): Promise<Uint8Array>;
}

/**
 * A codec that does not encrypt: wire bytes are the content bytes. It exists only until the
 * end-to-end encryption layer (packages/crypto: PQXDH + Double Ratchet) replaces it, and it is the
 * ONLY place that may know payloads are readable. Nothing else — server, store, tests of delivery —
 * may depend on being able to read a payload without going through the codec.
 */
export const unencryptedPassthroughCodec: PayloadCodec = {
  encode: (_chatId, plaintext) => Promise.resolve(plaintext.slice()),
  decode: (_chatId, _senderId, ciphertext) => Promise.resolve(ciphertext.slice()),
};
