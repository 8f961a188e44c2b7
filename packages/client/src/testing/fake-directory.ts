import { devicePublicKeys, type DeviceKeys } from '@knock/crypto/device-keys';
import type { PrekeyBundleResponse } from '@knock/protocol/keys';

/**
 * A key directory as the server keeps it, without a server: published keys, each one-time prekey
 * handed out once. `swap` makes it serve other keys than the ones published (a server swapping
 * keys). Platform-neutral, so the Chromium suites use it too.
 */
export class FakeDirectory {
  readonly #users = new Map<string, { userId: string; version: number; keys: DeviceKeys }>();
  swap: DeviceKeys | undefined;

  publish(user: { id: string; username: string }, keys: DeviceKeys): void {
    const version = (this.#users.get(user.username)?.version ?? 0) + 1;
    this.#users.set(user.username, { userId: user.id, version, keys });
  }

  readonly takeBundle = (username: string): Promise<PrekeyBundleResponse> => {
    const entry = this.#users.get(username);
    if (!entry) return Promise.reject(new Error('no keys'));
    const published = devicePublicKeys(this.swap ?? entry.keys);
    const oneTimePrekey = published.oneTimePrekeys.shift() ?? null;
    const kemPrekey = published.kemOneTimePrekeys.shift() ?? published.kemLastResort;
    if (!this.swap) {
      entry.keys = {
        ...entry.keys,
        oneTimePrekeys: entry.keys.oneTimePrekeys.filter((k) => k.id !== oneTimePrekey?.id),
        kemOneTimePrekeys: entry.keys.kemOneTimePrekeys.filter((k) => k.id !== kemPrekey.id),
      };
    }
    return Promise.resolve({
      userId: entry.userId,
      identityVersion: entry.version,
      bundle: {
        version: 1,
        identity: published.identity,
        signedPrekey: published.signedPrekey,
        kemPrekey,
        oneTimePrekey,
      },
    });
  };
}
