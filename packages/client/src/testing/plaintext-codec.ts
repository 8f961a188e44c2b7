import type { PayloadCodec } from '../codec.js';

/**
 * A codec that does not encrypt: wire bytes are the content bytes. Only for tests of delivery
 * mechanics against a fake server that has no key directory; real clients use `E2eeCodec`.
 */
export const plaintextTestCodec: PayloadCodec = {
  encode: (_chatId, plaintext) => Promise.resolve(plaintext.slice()),
  decode: (_chatId, _senderId, ciphertext) => Promise.resolve(ciphertext.slice()),
};
