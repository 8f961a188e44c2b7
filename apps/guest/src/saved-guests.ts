import * as v from 'valibot';
import { Id, Timestamp } from '@knock/protocol/primitives';
import { PublicUser } from '@knock/protocol/http';

/**
 * A guest chat this browser joined: enough to come back to it after a reload or a day later.
 * The token serves this one chat only (T38); the keys and messages live in the chat's own
 * databases, named after `localId`.
 */
export const SavedGuest = v.object({
  localId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  chatId: Id,
  inviteId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  serverUrl: v.pipe(v.string(), v.url()),
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/)),
  user: PublicUser,
  name: v.string(),
  hostName: v.string(),
  joinedAt: Timestamp,
  /** When the chat expires unless someone writes, as last heard from the server. */
  expiresAt: Timestamp,
});
export type SavedGuest = v.InferOutput<typeof SavedGuest>;

/** Where the list of joined chats is kept: localStorage in browsers, memory in tests. */
export interface SavedGuests {
  list(): SavedGuest[];
  put(guest: SavedGuest): void;
  remove(localId: string): void;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'knock.guestChats';

/** The list in a Storage (localStorage): read back through the schema, dropping what fails it. */
export class StoredGuests implements SavedGuests {
  readonly #storage: KeyValueStorage;

  constructor(storage: KeyValueStorage) {
    this.#storage = storage;
  }

  list(): SavedGuest[] {
    let raw: unknown;
    try {
      raw = JSON.parse(this.#storage.getItem(KEY) ?? '[]');
    } catch {
      return [];
    }
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((item: unknown) => {
      const parsed = v.safeParse(SavedGuest, item);
      return parsed.success ? [parsed.output] : [];
    });
  }

  put(guest: SavedGuest): void {
    const others = this.list().filter((g) => g.localId !== guest.localId);
    this.#storage.setItem(KEY, JSON.stringify([...others, guest]));
  }

  remove(localId: string): void {
    this.#storage.setItem(KEY, JSON.stringify(this.list().filter((g) => g.localId !== localId)));
  }
}
