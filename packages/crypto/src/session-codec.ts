/**
 * The JSON form of a {@link SessionState}, for stores that cannot hold structured-clonable private
 * key handles (e.g. a Node file store). It contains the ratchet private key as raw bytes, so it
 * exists only for sessions created with `extractable: true` (`not_extractable` otherwise) and is
 * as secret as the keys themselves. Reading it back is strict and fails closed with `malformed`.
 * Browsers should store the state itself (IndexedDB structured clone) and keep keys
 * non-extractable.
 */
import type { CryptoBackend } from './backend.js';
import { encodeBase64url } from './base64url.js';
import { constantTimeEqual } from './bytes.js';
import { CryptoError } from './errors.js';
import {
  publicIdentityFromJSON,
  publicIdentityToJSON,
  type PublicIdentityJSON,
} from './identity-codec.js';
import { KEY_AGREEMENT_LENGTH } from './initial-message.js';
import {
  jsonBoolean,
  jsonBytes,
  jsonObject,
  jsonU32,
  jsonVersion,
  type JsonRecord,
} from './json-fields.js';
import { MAX_SKIPPED_KEYS, type SessionState, type SkippedKey } from './session-state.js';

export interface SessionStateJSON {
  readonly version: 1;
  readonly localIdentity: PublicIdentityJSON;
  readonly remoteIdentity: PublicIdentityJSON;
  readonly associatedData: string;
  readonly extractable: boolean;
  readonly rootKey: string;
  readonly sendingRatchetKey: { readonly publicKey: string; readonly privateKey: string };
  readonly sendingChainKey: string;
  readonly sendCount: number;
  readonly previousSendCount: number;
  readonly receivingRatchetKey: string;
  readonly receivingChainKey: string | null;
  readonly receiveCount: number;
  readonly skippedKeys: readonly {
    readonly ratchetKey: string;
    readonly n: number;
    readonly messageKey: string;
  }[];
  readonly pendingKeyAgreement: string | null;
  readonly acceptedKeyAgreement: string | null;
}

const KEYS = [
  'version',
  'localIdentity',
  'remoteIdentity',
  'associatedData',
  'extractable',
  'rootKey',
  'sendingRatchetKey',
  'sendingChainKey',
  'sendCount',
  'previousSendCount',
  'receivingRatchetKey',
  'receivingChainKey',
  'receiveCount',
  'skippedKeys',
  'pendingKeyAgreement',
  'acceptedKeyAgreement',
] as const;

const b64 = encodeBase64url;
const nullable = (bytes: Uint8Array | null) => (bytes === null ? null : b64(bytes));

export async function sessionToJSON(
  crypto: CryptoBackend,
  state: SessionState,
): Promise<SessionStateJSON> {
  const privateKey = await crypto.exportPrivateKey(state.sendingRatchetKey.privateKey);
  return {
    version: 1,
    localIdentity: publicIdentityToJSON(state.localIdentity),
    remoteIdentity: publicIdentityToJSON(state.remoteIdentity),
    associatedData: b64(state.associatedData),
    extractable: state.extractable,
    rootKey: b64(state.rootKey),
    sendingRatchetKey: {
      publicKey: b64(state.sendingRatchetKey.publicKey),
      privateKey: b64(privateKey),
    },
    sendingChainKey: b64(state.sendingChainKey),
    sendCount: state.sendCount,
    previousSendCount: state.previousSendCount,
    receivingRatchetKey: b64(state.receivingRatchetKey),
    receivingChainKey: nullable(state.receivingChainKey),
    receiveCount: state.receiveCount,
    skippedKeys: state.skippedKeys.map((entry) => ({
      ratchetKey: b64(entry.ratchetKey),
      n: entry.n,
      messageKey: b64(entry.messageKey),
    })),
    pendingKeyAgreement: nullable(state.pendingKeyAgreement),
    acceptedKeyAgreement: nullable(state.acceptedKeyAgreement),
  };
}

function nullableBytes(record: JsonRecord, key: string, length: number): Uint8Array | null {
  return record[key] === null ? null : jsonBytes(record, key, length);
}

function readSkippedKeys(value: unknown): SkippedKey[] {
  if (!Array.isArray(value) || value.length > MAX_SKIPPED_KEYS) {
    throw new CryptoError('malformed', 'skippedKeys must be a short array');
  }
  return value.map((item: unknown) => {
    const entry = jsonObject(item, ['ratchetKey', 'n', 'messageKey'], 'skipped key');
    return {
      ratchetKey: jsonBytes(entry, 'ratchetKey', 32),
      n: jsonU32(entry, 'n'),
      messageKey: jsonBytes(entry, 'messageKey', 32),
    };
  });
}

export async function sessionFromJSON(
  crypto: CryptoBackend,
  value: unknown,
): Promise<SessionState> {
  const record = jsonObject(value, KEYS, 'session');
  jsonVersion(record, 1);
  const extractable = jsonBoolean(record, 'extractable');
  const ratchet = jsonObject(
    record['sendingRatchetKey'],
    ['publicKey', 'privateKey'],
    'ratchet key',
  );
  const publicKey = jsonBytes(ratchet, 'publicKey', 32);
  const sendingRatchetKey = await crypto.importX25519(jsonBytes(ratchet, 'privateKey', 32), {
    extractable,
  });
  if (!constantTimeEqual(sendingRatchetKey.publicKey, publicKey)) {
    throw new CryptoError('malformed', 'ratchet private key does not match its public key');
  }
  return {
    version: 1,
    localIdentity: publicIdentityFromJSON(record['localIdentity']),
    remoteIdentity: publicIdentityFromJSON(record['remoteIdentity']),
    associatedData: jsonBytes(record, 'associatedData', 132),
    extractable,
    rootKey: jsonBytes(record, 'rootKey', 32),
    sendingRatchetKey,
    sendingChainKey: jsonBytes(record, 'sendingChainKey', 32),
    sendCount: jsonU32(record, 'sendCount'),
    previousSendCount: jsonU32(record, 'previousSendCount'),
    receivingRatchetKey: jsonBytes(record, 'receivingRatchetKey', 32),
    receivingChainKey: nullableBytes(record, 'receivingChainKey', 32),
    receiveCount: jsonU32(record, 'receiveCount'),
    skippedKeys: readSkippedKeys(record['skippedKeys']),
    pendingKeyAgreement: nullableBytes(record, 'pendingKeyAgreement', KEY_AGREEMENT_LENGTH),
    acceptedKeyAgreement: nullableBytes(record, 'acceptedKeyAgreement', KEY_AGREEMENT_LENGTH),
  };
}
