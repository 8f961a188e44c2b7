import {
  Migrator,
  sql,
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import type { Dialect } from './connect.js';
import type { Database } from './schema.js';

/**
 * Numbered migrations. Each runs on SQLite and PostgreSQL; a dialect difference is spelled out in
 * the migration itself. Never edit one that has shipped: add the next number.
 */
function migrations(dialect: Dialect): Record<string, Migration> {
  const bytes = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) =>
            c.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('label', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
        await db.schema
          .createTable('chats')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('direct_key', 'text', (c) => c.unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
          .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex('chats_last_activity')
          .on('chats')
          .column('last_activity_at')
          .execute();
        await db.schema
          .createTable('chat_members')
          .addColumn('chat_id', 'text', (c) =>
            c.notNull().references('chats.id').onDelete('cascade'),
          )
          .addColumn('user_id', 'text', (c) =>
            c.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('acked_seq', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('joined_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('chat_members_pk', ['chat_id', 'user_id'])
          .execute();
        await db.schema
          .createIndex('chat_members_user')
          .on('chat_members')
          .column('user_id')
          .execute();
        await db.schema
          .createTable('messages')
          .addColumn('chat_id', 'text', (c) =>
            c.notNull().references('chats.id').onDelete('cascade'),
          )
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('sender_id', 'text', (c) => c.notNull())
          .addColumn('client_message_id', 'text', (c) => c.notNull())
          .addColumn('ciphertext', sql.raw(bytes))
          .addColumn('sent_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('messages_pk', ['chat_id', 'seq'])
          .execute();
        // Leading with the client id lets one IN (...) look up a whole batch of resends.
        await db.schema
          .createIndex('messages_idempotency')
          .unique()
          .on('messages')
          .columns(['client_message_id', 'chat_id', 'sender_id'])
          .execute();
      },
    },
    '0002_undelivered_index': {
      async up(db: Kysely<unknown>) {
        // Only undelivered payloads: what the per-batch purge after acks looks through.
        await db.schema
          .createIndex('messages_undelivered')
          .on('messages')
          .columns(['chat_id', 'seq'])
          .where(sql.ref('ciphertext'), 'is not', null)
          .execute();
      },
    },
    '0003_messages_by_chat': {
      async up(db: Kysely<unknown>) {
        // Purges now name the acknowledged range of seqs, so the partial index has no reader left.
        await db.schema.dropIndex('messages_undelivered').execute();
        if (dialect !== 'sqlite') return; // PostgreSQL keeps its heap and (chat_id, seq) key.
        // On SQLite the rows move into their (chat_id, seq) key: one B-tree fewer per message
        // written, and a chat's messages sit together for catch-up and purges.
        await db.schema
          .createTable('messages_by_chat')
          .addColumn('chat_id', 'text', (c) =>
            c.notNull().references('chats.id').onDelete('cascade'),
          )
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('sender_id', 'text', (c) => c.notNull())
          .addColumn('client_message_id', 'text', (c) => c.notNull())
          .addColumn('ciphertext', 'blob')
          .addColumn('sent_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('messages_pk', ['chat_id', 'seq'])
          .modifyEnd(sql`without rowid`)
          .execute();
        await sql`insert into messages_by_chat
          select chat_id, seq, sender_id, client_message_id, ciphertext, sent_at from messages`.execute(
          db,
        );
        await db.schema.dropTable('messages').execute();
        await db.schema.alterTable('messages_by_chat').renameTo('messages').execute();
        await db.schema
          .createIndex('messages_idempotency')
          .unique()
          .on('messages')
          .columns(['client_message_id', 'chat_id', 'sender_id'])
          .execute();
      },
    },
    '0004_key_directory': {
      async up(db: Kysely<unknown>) {
        const owner = (c: ColumnDefinitionBuilder) =>
          c.notNull().references('users.id').onDelete('cascade');
        await db.schema
          .createTable('identity_keys')
          .addColumn('user_id', 'text', (c) => owner(c).primaryKey())
          .addColumn('signing_key', 'text', (c) => c.notNull())
          .addColumn('dh_key', 'text', (c) => c.notNull())
          .addColumn('signature', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('signed_prekeys')
          .addColumn('user_id', 'text', (c) => owner(c).primaryKey())
          .addColumn('key_id', 'bigint', (c) => c.notNull())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addColumn('signature', 'text', (c) => c.notNull())
          .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('kem_prekeys')
          .addColumn('user_id', 'text', owner)
          .addColumn('key_id', 'bigint', (c) => c.notNull())
          .addColumn('last_resort', 'integer', (c) => c.notNull())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addColumn('signature', 'text', (c) => c.notNull())
          .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('kem_prekeys_pk', ['user_id', 'key_id'])
          .execute();
        await db.schema
          .createTable('one_time_prekeys')
          .addColumn('user_id', 'text', owner)
          .addColumn('key_id', 'bigint', (c) => c.notNull())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('one_time_prekeys_pk', ['user_id', 'key_id'])
          .execute();
      },
    },
    '0005_invites': {
      async up(db: Kysely<unknown>) {
        // Guest links (features/invites). The id is the one the link's secret derives; the bundle
        // is the host's signed invite bundle as JSON text, served to guests unchanged.
        await db.schema
          .createTable('invites')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('host_user_id', 'text', (c) =>
            c.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('label', 'text')
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('bundle', 'text', (c) => c.notNull())
          .addColumn('max_uses', 'integer')
          .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint')
          .addColumn('last_claimed_at', 'bigint')
          .addColumn('last_activity_at', 'bigint')
          .addColumn('revoked_at', 'bigint')
          .execute();
        // A host's list, newest first, and the count of their open invites.
        await db.schema
          .createIndex('invites_host')
          .on('invites')
          .columns(['host_user_id', 'created_at'])
          .execute();
      },
    },
    '0006_guest_chats': {
      async up(db: Kysely<unknown>) {
        // A guest is a principal of its own kind, made for one chat: no username anyone can type
        // (its username is a reserved form), no password, no name (that travels encrypted).
        await db.schema
          .alterTable('users')
          .addColumn('kind', 'text', (c) => c.notNull().defaultTo('registered'))
          .execute();
        // A guest chat remembers the invite it came from, who the guest is, and, while it is a
        // request, what the guest sent so far (the request allowance).
        for (const [column, type] of [
          ['invite_id', 'text'],
          ['guest_id', 'text'],
          // SHA-256 of the claim's first message: a claim sent again after its answer was lost
          // finds its chat instead of making a second one.
          ['claim_digest', 'text'],
          ['accepted_at', 'bigint'],
          ['ignored_at', 'bigint'],
        ] as const) {
          await db.schema.alterTable('chats').addColumn(column, type).execute();
        }
        for (const column of ['request_messages', 'request_bytes']) {
          await db.schema
            .alterTable('chats')
            .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
            .execute();
        }
        await db.schema.createIndex('chats_invite').on('chats').column('invite_id').execute();
        // Claims refused on a link that can take no more (a one-time link claimed twice).
        await db.schema
          .alterTable('invites')
          .addColumn('refused_claims', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        // Spent proofs of work, for deployments without Redis: a restart must not forget them.
        await db.schema
          .createTable('spent_proofs')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        // Secrets every node must share (the proof-of-work key), made by the first node to start.
        await db.schema
          .createTable('server_secrets')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrations(this.dialect));
  }
}

/** Brings the schema up to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  await migrateTo(db, dialect);
}

/** Brings the schema up to `target` (default: the latest), for tests of a migration's effect. */
export async function migrateTo(
  db: Kysely<Database>,
  dialect: Dialect,
  target?: string,
): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider(dialect) });
  const { error, results } = await (target === undefined
    ? migrator.migrateToLatest()
    : migrator.migrateTo(target));
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed`, { cause: error });
  }
}
