import type {
  KemPrekeyJson,
  OneTimePrekeyJson,
  PrekeyBundleJson,
  PublicIdentityJson,
  SignedPrekeyJson,
} from '@knock/protocol/keys';
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from '../../platform/db/connect.js';
import type { Database } from '../../platform/db/schema.js';

export interface KeyCounts {
  oneTimePrekeys: number;
  kemOneTimePrekeys: number;
}

export interface KeyStatusRow extends KeyCounts {
  identityVersion: number;
  identity: PublicIdentityJson | null;
  signedPrekeyId: number | null;
  signedPrekeyUploadedAt: number | null;
}

export interface PublishedKeys {
  identity: PublicIdentityJson;
  signedPrekey: SignedPrekeyJson;
  kemLastResort: KemPrekeyJson;
  oneTimePrekeys: readonly OneTimePrekeyJson[];
  kemOneTimePrekeys: readonly KemPrekeyJson[];
}

export type TakenBundle = KeyCounts & {
  identityVersion: number;
  bundle: PrekeyBundleJson;
};

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The key directory: each user's identity, signed prekey, last-resort ML-KEM prekey and one-time
 * prekeys. Keys are stored as the base64url text they arrived in and handed out unchanged.
 */
export class KeysRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async status(userId: string): Promise<KeyStatusRow> {
    const identity = await this.identity(this.db, userId);
    const spk = await this.db
      .selectFrom('signed_prekeys')
      .select(['key_id', 'uploaded_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return {
      identityVersion: identity?.version ?? 0,
      identity: identity ? identityJson(identity) : null,
      signedPrekeyId: spk ? Number(spk.key_id) : null,
      signedPrekeyUploadedAt: spk ? Number(spk.uploaded_at) : null,
      ...(await this.counts(this.db, userId)),
    };
  }

  /**
   * Stores a full set of keys. A different identity than the one on record replaces it and
   * everything uploaded under it; the same identity keeps its one-time prekeys and gains these.
   * Returns the identity version and whether it changed.
   */
  async publish(
    userId: string,
    keys: PublishedKeys,
    now: number,
    maxOneTime: number,
  ): Promise<{ version: number; changed: boolean } | 'too_many'> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        const current = await this.identity(trx, userId);
        const same =
          current !== undefined &&
          current.signing_key === keys.identity.signingKey &&
          current.dh_key === keys.identity.dhKey &&
          current.signature === keys.identity.signature;
        const version = same ? current.version : (current?.version ?? 0) + 1;
        if (!same) {
          await trx.deleteFrom('one_time_prekeys').where('user_id', '=', userId).execute();
          await trx.deleteFrom('kem_prekeys').where('user_id', '=', userId).execute();
          await trx
            .insertInto('identity_keys')
            .values({
              user_id: userId,
              signing_key: keys.identity.signingKey,
              dh_key: keys.identity.dhKey,
              signature: keys.identity.signature,
              version,
              updated_at: now,
            })
            .onConflict((oc) =>
              oc.column('user_id').doUpdateSet({
                signing_key: keys.identity.signingKey,
                dh_key: keys.identity.dhKey,
                signature: keys.identity.signature,
                version,
                updated_at: now,
              }),
            )
            .execute();
        }
        await this.replaceSignedPrekeys(trx, userId, keys.signedPrekey, keys.kemLastResort, now);
        const added = await this.addOneTime(trx, userId, keys, now, maxOneTime);
        if (added === 'too_many') throw new TooManyPrekeys();
        return { version, changed: !same };
      })
      .catch((error: unknown) => {
        if (error instanceof TooManyPrekeys) return 'too_many' as const;
        throw error;
      });
  }

  /** Replaces the signed prekey and the last-resort ML-KEM prekey; false without an identity. */
  async rotate(
    userId: string,
    signedPrekey: SignedPrekeyJson,
    kemLastResort: KemPrekeyJson,
    now: number,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.hasIdentity(trx, userId))) return false;
      await this.replaceSignedPrekeys(trx, userId, signedPrekey, kemLastResort, now);
      return true;
    });
  }

  /** Adds one-time prekeys under the identity on record. */
  async add(
    userId: string,
    keys: Pick<PublishedKeys, 'oneTimePrekeys' | 'kemOneTimePrekeys'>,
    now: number,
    maxOneTime: number,
  ): Promise<KeyCounts | 'no_identity' | 'too_many'> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        if (!(await this.hasIdentity(trx, userId))) return 'no_identity' as const;
        if ((await this.addOneTime(trx, userId, keys, now, maxOneTime)) === 'too_many') {
          throw new TooManyPrekeys();
        }
        return this.counts(trx, userId);
      })
      .catch((error: unknown) => {
        if (error instanceof TooManyPrekeys) return 'too_many' as const;
        throw error;
      });
  }

  /**
   * A bundle for starting a session with `userId`, taking one one-time prekey of each kind off
   * the directory in the same transaction, so two callers never get the same one. Undefined when
   * the user has published no keys.
   */
  async take(userId: string): Promise<TakenBundle | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const identity = await this.identity(trx, userId);
      const spk = await trx
        .selectFrom('signed_prekeys')
        .select(['key_id', 'public_key', 'signature'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!identity || !spk) return undefined;
      const oneTime = await this.takeOne(trx, 'one_time_prekeys', userId);
      const kem =
        (await this.takeOne(trx, 'kem_prekeys', userId)) ??
        (await trx
          .selectFrom('kem_prekeys')
          .select(['key_id', 'public_key', 'signature', 'last_resort'])
          .where('user_id', '=', userId)
          .where('last_resort', '=', 1)
          .executeTakeFirst());
      if (!kem || !('signature' in kem)) return undefined;
      return {
        identityVersion: identity.version,
        bundle: {
          version: 1,
          identity: identityJson(identity),
          signedPrekey: {
            id: Number(spk.key_id),
            publicKey: spk.public_key,
            signature: spk.signature,
          },
          kemPrekey: {
            id: Number(kem.key_id),
            lastResort: kem.last_resort === 1,
            publicKey: kem.public_key,
            signature: kem.signature,
          },
          oneTimePrekey: oneTime
            ? { id: Number(oneTime.key_id), publicKey: oneTime.public_key }
            : null,
        },
        ...(await this.counts(trx, userId)),
      };
    });
  }

  /** Deletes and returns the lowest-numbered one-time key of a kind, if any is left. */
  private async takeOne<T extends 'one_time_prekeys' | 'kem_prekeys'>(
    trx: Transaction<Database>,
    table: T,
    userId: string,
  ) {
    // PostgreSQL: concurrent takers skip a row another has locked instead of both picking it
    // (and the second then finding it gone). SQLite runs one write transaction at a time.
    const pick = trx
      .selectFrom(table === 'kem_prekeys' ? 'kem_prekeys' : 'one_time_prekeys')
      .select('key_id')
      .where('user_id', '=', userId)
      .$if(table === 'kem_prekeys', (q) => q.where('last_resort', '=', 0))
      .orderBy('key_id')
      .limit(1)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate().skipLocked());
    const row = await trx
      .deleteFrom(table === 'kem_prekeys' ? 'kem_prekeys' : 'one_time_prekeys')
      .where('user_id', '=', userId)
      .where('key_id', '=', pick)
      .returningAll()
      .executeTakeFirst();
    return row as
      | (T extends 'kem_prekeys' ? Database['kem_prekeys'] : Database['one_time_prekeys'])
      | undefined;
  }

  private async counts(db: Db, userId: string): Promise<KeyCounts> {
    const one = await db
      .selectFrom('one_time_prekeys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    const kem = await db
      .selectFrom('kem_prekeys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('last_resort', '=', 0)
      .executeTakeFirstOrThrow();
    return { oneTimePrekeys: Number(one.n), kemOneTimePrekeys: Number(kem.n) };
  }

  private identity(db: Db, userId: string) {
    return db
      .selectFrom('identity_keys')
      .select(['signing_key', 'dh_key', 'signature', 'version'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  private async hasIdentity(db: Db, userId: string): Promise<boolean> {
    return (await this.identity(db, userId)) !== undefined;
  }

  private async replaceSignedPrekeys(
    trx: Transaction<Database>,
    userId: string,
    spk: SignedPrekeyJson,
    kem: KemPrekeyJson,
    now: number,
  ): Promise<void> {
    const values = {
      user_id: userId,
      key_id: spk.id,
      public_key: spk.publicKey,
      signature: spk.signature,
      uploaded_at: now,
    };
    await trx
      .insertInto('signed_prekeys')
      .values(values)
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...values, user_id: undefined }))
      .execute();
    await trx
      .deleteFrom('kem_prekeys')
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_resort', '=', 1), eb('key_id', '=', kem.id)]))
      .execute();
    await trx
      .insertInto('kem_prekeys')
      .values({
        user_id: userId,
        key_id: kem.id,
        last_resort: 1,
        public_key: kem.publicKey,
        signature: kem.signature,
        uploaded_at: now,
      })
      .execute();
  }

  private async addOneTime(
    trx: Transaction<Database>,
    userId: string,
    keys: Pick<PublishedKeys, 'oneTimePrekeys' | 'kemOneTimePrekeys'>,
    now: number,
    maxOneTime: number,
  ): Promise<'ok' | 'too_many'> {
    if (keys.oneTimePrekeys.length > 0) {
      await trx
        .insertInto('one_time_prekeys')
        .values(
          keys.oneTimePrekeys.map((k) => ({
            user_id: userId,
            key_id: k.id,
            public_key: k.publicKey,
          })),
        )
        .onConflict((oc) => oc.columns(['user_id', 'key_id']).doNothing())
        .execute();
    }
    if (keys.kemOneTimePrekeys.length > 0) {
      await trx
        .insertInto('kem_prekeys')
        .values(
          keys.kemOneTimePrekeys.map((k) => ({
            user_id: userId,
            key_id: k.id,
            last_resort: 0,
            public_key: k.publicKey,
            signature: k.signature,
            uploaded_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['user_id', 'key_id']).doNothing())
        .execute();
    }
    const counts = await this.counts(trx, userId);
    return counts.oneTimePrekeys > maxOneTime || counts.kemOneTimePrekeys > maxOneTime
      ? 'too_many'
      : 'ok';
  }
}

class TooManyPrekeys extends Error {}

function identityJson(row: { signing_key: string; dh_key: string; signature: string }) {
  return { signingKey: row.signing_key, dhKey: row.dh_key, signature: row.signature };
}
