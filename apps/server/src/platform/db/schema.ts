import type { Generated } from 'kysely';

/** Table types for Kysely. Timestamps are milliseconds since the epoch (bigint columns). */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  created_at: number;
  /** `guest`: a principal made for one guest chat (features/claims), never signed in with. */
  kind: Generated<'registered' | 'guest'>;
}

export interface SessionsTable {
  /** SHA-256 of the session secret; the secret itself is never stored. */
  token_hash: string;
  user_id: string;
  /** `guest`: the bearer token of a guest, valid for its one chat only. */
  kind: 'cookie' | 'bearer' | 'guest';
  label: string | null;
  created_at: number;
  expires_at: number;
}

export interface ChatsTable {
  id: string;
  kind: 'direct' | 'guest';
  /** For direct chats: both user ids, sorted and joined, so that find-or-create is race free. */
  direct_key: string | null;
  created_at: number;
  last_activity_at: number;
  last_seq: Generated<number>;
  /** Guest chats: the invite the guest claimed, and the guest's user id. */
  invite_id: string | null;
  guest_id: string | null;
  /** SHA-256 of the claim's first message, to recognise the same claim sent again. */
  claim_digest: string | null;
  /** Guest chats: when the host accepted or first replied (NULL while a request). */
  accepted_at: number | null;
  ignored_at: number | null;
  /** Guest chats, while a request: messages and content bytes the guest sent so far. */
  request_messages: Generated<number>;
  request_bytes: Generated<number>;
}

export interface ChatMembersTable {
  chat_id: string;
  user_id: string;
  acked_seq: Generated<number>;
  read_seq: Generated<number>;
  joined_at: number;
}

export interface MessagesTable {
  chat_id: string;
  seq: number;
  sender_id: string;
  client_message_id: string;
  /** Deleted (NULL) once every recipient acknowledged; the row stays for idempotency and order. */
  ciphertext: Uint8Array | null;
  sent_at: number;
}

/** The key directory (features/keys). Keys are stored as the unpadded base64url they came in. */
export interface IdentityKeysTable {
  user_id: string;
  signing_key: string;
  dh_key: string;
  signature: string;
  /** Rises by one each time the user publishes a different identity. */
  version: number;
  updated_at: number;
}

export interface SignedPrekeysTable {
  user_id: string;
  key_id: number;
  public_key: string;
  signature: string;
  uploaded_at: number;
}

export interface KemPrekeysTable {
  user_id: string;
  key_id: number;
  /** 1 for the one kept when the one-time ones run out, 0 for one-time keys. */
  last_resort: number;
  public_key: string;
  signature: string;
  uploaded_at: number;
}

export interface OneTimePrekeysTable {
  user_id: string;
  key_id: number;
  public_key: string;
}

/** Guest links (features/invites). */
export interface InvitesTable {
  /** The id the link's secret derives (16 bytes, base64url); the secret never reaches the server. */
  id: string;
  host_user_id: string;
  kind: 'one_time' | 'reusable';
  /** The host's own note; guests never see it. */
  label: string | null;
  display_name: string;
  /** The host's signed invite bundle, JSON text as it arrived. */
  bundle: string;
  /** 1 for one-time links; NULL for reusable links without a limit. */
  max_uses: number | null;
  uses: Generated<number>;
  created_at: number;
  expires_at: number | null;
  last_claimed_at: number | null;
  last_activity_at: number | null;
  revoked_at: number | null;
  /** Claims refused because the link could take no more (e.g. a one-time link claimed again). */
  refused_claims: Generated<number>;
}

/** Proofs of work spent, until they expire (the replay store when there is no Redis). */
export interface SpentProofsTable {
  key: string;
  expires_at: number;
}

/** Secrets every node shares, made once by the first node that needs them. */
export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  chats: ChatsTable;
  chat_members: ChatMembersTable;
  messages: MessagesTable;
  identity_keys: IdentityKeysTable;
  signed_prekeys: SignedPrekeysTable;
  kem_prekeys: KemPrekeysTable;
  one_time_prekeys: OneTimePrekeysTable;
  invites: InvitesTable;
  server_secrets: ServerSecretsTable;
  spent_proofs: SpentProofsTable;
}
