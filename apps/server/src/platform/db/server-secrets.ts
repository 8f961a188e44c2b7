import type { Kysely } from 'kysely';
import { newSecret } from '../ids.js';
import type { Database } from './schema.js';

/**
 * A secret every node of a deployment must share (e.g. the key that signs proof-of-work
 * challenges), made by whichever node asks first and read by the rest: nothing to configure.
 */
export async function sharedSecret(
  db: Kysely<Database>,
  name: string,
  now: number,
): Promise<string> {
  await db
    .insertInto('server_secrets')
    .values({ name, value: newSecret(), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('server_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.value;
}
