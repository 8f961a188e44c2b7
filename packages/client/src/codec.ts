/**
 * THE payload seam. Everything the client sends or receives as message content passes through a
 * `PayloadCodec`: `encode` turns content bytes into the bytes that go on the wire (and into the
 * outbox), `decode` turns wire bytes back into content bytes or throws. `E2eeCodec`
 * (e2ee-codec.ts) is the one clients use; nothing outside a codec may depend on being able to read
 * a payload.
 */
export interface PayloadCodec {
  encode(chatId: string, plaintext: Uint8Array): Promise<Uint8Array>;
  decode(chatId: string, senderId: string, ciphertext: Uint8Array): Promise<Uint8Array>;
}
