import type { CryptoBackend } from '@knock/crypto/backend';
import { createDeviceKeys, devicePublicKeys, type DeviceKeys } from '@knock/crypto/device-keys';
import type { PrekeyBundleResponse } from '@knock/protocol/keys';
import { E2eeCodec } from '../e2ee-codec.js';
import type { KeyStore } from '../key-store.js';

interface Party {
  id: string;
  username: string;
}

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

  /**
   * `me`'s codec for chatting with `peer`: device keys loaded from `store` (or made and stored),
   * published here. `peerVersion` is what chat summaries would say of the peer's identity.
   */
  async codecFor(
    crypto: CryptoBackend,
    me: Party,
    peer: Party,
    store: KeyStore,
    options: { extractable: boolean; peerVersion?: () => number },
  ): Promise<E2eeCodec> {
    const { extractable } = options;
    const keys =
      (await store.loadDevice()) ??
      (await createDeviceKeys(crypto, { oneTime: 3, kemOneTime: 2 }, { extractable }));
    await store.saveDevice(keys);
    this.publish(me, keys);
    const version = options.peerVersion ?? (() => 0);
    return new E2eeCodec({
      crypto,
      store,
      takeBundle: this.takeBundle,
      peerOf: () => Promise.resolve({ ...peer, identityVersion: version() }),
      extractable,
    });
  }
}
