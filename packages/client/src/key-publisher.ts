import type { CryptoBackend } from '@knock/crypto/backend';
import {
  addOneTimePrekeys,
  createDeviceKeys,
  devicePublicKeys,
  rotateSignedPrekeys,
  type DeviceKeys,
} from '@knock/crypto/device-keys';
import { publicIdentity } from '@knock/crypto/identity';
import { publicIdentityToJSON } from '@knock/crypto/identity-codec';
import {
  MAX_PREKEYS_PER_UPLOAD,
  PREKEY_LOW_WATER,
  type AddPrekeysRequest,
  type KeyStatusResponse,
  type PublishKeysRequest,
  type RotatePrekeysRequest,
} from '@knock/protocol/keys';
import type { KeyStore } from './key-store.js';

/** The key directory calls this needs (`HttpClient` has them). */
export interface KeyDirectory {
  getKeys(): Promise<KeyStatusResponse>;
  publishKeys(request: PublishKeysRequest): Promise<KeyStatusResponse>;
  addPrekeys(request: AddPrekeysRequest): Promise<KeyStatusResponse>;
  rotatePrekeys(request: RotatePrekeysRequest): Promise<KeyStatusResponse>;
}

/** How long a signed prekey (and the last-resort ML-KEM prekey) is used before it is replaced. */
export const SIGNED_PREKEY_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export interface PublishOptions {
  extractable: boolean;
  /** Take the account's identity back from another device (ADR 0008). */
  takeOver?: boolean;
  now?: () => number;
}

/** One-time prekeys of each kind a device keeps on the directory after a top-up. */
const TARGET = MAX_PREKEYS_PER_UPLOAD;
/**
 * Private one-time prekeys of each kind the device keeps. Handed-out prekeys stay until an initial
 * message uses them; those whose fetcher never wrote are dropped oldest first beyond this.
 */
const KEEP = 2 * TARGET;

/** `replaced`: another device of the account published its identity since this one did. */
export interface KeysOutcome {
  readonly status: KeyStatusResponse;
  readonly replaced: boolean;
}

/**
 * Makes sure this device has keys and the directory holds them: creates them on first use and
 * publishes them (on an account that had an identity, peers see that as a key change), rotates
 * the signed prekeys once a week (keeping the replaced ones for one more week, for initial
 * messages made from an older bundle), and tops up one-time prekeys that ran under the low-water
 * mark. A device whose identity was replaced by
 * another device's (one identity per account, ADR 0008) does not take it back on its own: it
 * reports `replaced`, and the user decides. New keys are stored before they are published, so a
 * crash never leaves the directory with keys the device lost.
 */
export function ensureKeysPublished(
  crypto: CryptoBackend,
  store: KeyStore,
  directory: KeyDirectory,
  options: PublishOptions,
): Promise<KeysOutcome> {
  // Exclusive: a concurrent initial message removes used prekeys from the same device keys.
  return store.exclusive(() => publish(crypto, store, directory, options));
}

async function publish(
  crypto: CryptoBackend,
  store: KeyStore,
  directory: KeyDirectory,
  options: PublishOptions,
): Promise<KeysOutcome> {
  let device = await store.loadDevice();
  const fresh = !device;
  if (!device) {
    device = await createDeviceKeys(
      crypto,
      { oneTime: TARGET, kemOneTime: TARGET },
      { extractable: options.extractable },
    );
    await store.saveDevice(device);
  }
  const status = await directory.getKeys();
  if (!sameIdentity(status, device)) {
    if (status.identity !== null && !fresh && options.takeOver !== true) {
      return { status, replaced: true };
    }
    return { status: await directory.publishKeys(devicePublicKeys(device)), replaced: false };
  }
  const rotated = await rotateIfDue(crypto, store, directory, device, status, options);
  return {
    status: await topUp(crypto, store, directory, rotated.device, rotated.status, options),
    replaced: false,
  };
}

async function rotateIfDue(
  crypto: CryptoBackend,
  store: KeyStore,
  directory: KeyDirectory,
  device: DeviceKeys,
  status: KeyStatusResponse,
  options: PublishOptions,
): Promise<{ device: DeviceKeys; status: KeyStatusResponse }> {
  const now = (options.now ?? Date.now)();
  const uploadedAt = status.signedPrekeyUploadedAt;
  const due = uploadedAt !== null && now - uploadedAt >= SIGNED_PREKEY_LIFETIME_MS;
  // A rotation stored here whose upload did not finish is uploaded now.
  if (!due && status.signedPrekeyId === device.signedPrekey.id) return { device, status };
  const next = due
    ? await rotateSignedPrekeys(crypto, device, { extractable: options.extractable })
    : device;
  if (due) await store.saveDevice(next);
  const { signedPrekey, kemLastResort } = devicePublicKeys(next);
  return { device: next, status: await directory.rotatePrekeys({ signedPrekey, kemLastResort }) };
}

async function topUp(
  crypto: CryptoBackend,
  store: KeyStore,
  directory: KeyDirectory,
  device: DeviceKeys,
  status: KeyStatusResponse,
  options: { extractable: boolean },
): Promise<KeyStatusResponse> {
  const low = (n: number) => (n < PREKEY_LOW_WATER ? TARGET - n : 0);
  const counts = { oneTime: low(status.oneTimePrekeys), kemOneTime: low(status.kemOneTimePrekeys) };
  if (counts.oneTime === 0 && counts.kemOneTime === 0) return status;
  const before = new Set(device.oneTimePrekeys.map((k) => k.id));
  const kemBefore = new Set(device.kemOneTimePrekeys.map((k) => k.id));
  const more = pruned(
    await addOneTimePrekeys(crypto, device, counts, { extractable: options.extractable }),
  );
  await store.saveDevice(more);
  const fresh = devicePublicKeys(more, {
    oneTime: new Set(more.oneTimePrekeys.map((k) => k.id).filter((id) => !before.has(id))),
    kemOneTime: new Set(more.kemOneTimePrekeys.map((k) => k.id).filter((id) => !kemBefore.has(id))),
  });
  return directory.addPrekeys({
    oneTimePrekeys: fresh.oneTimePrekeys,
    kemOneTimePrekeys: fresh.kemOneTimePrekeys,
  });
}

function pruned(device: DeviceKeys): DeviceKeys {
  return {
    ...device,
    oneTimePrekeys: device.oneTimePrekeys.slice(-KEEP),
    kemOneTimePrekeys: device.kemOneTimePrekeys.slice(-KEEP),
  };
}

function sameIdentity(status: KeyStatusResponse, device: DeviceKeys): boolean {
  const mine = publicIdentityToJSON(publicIdentity(device.identity));
  const theirs = status.identity;
  return (
    theirs !== null &&
    theirs.signingKey === mine.signingKey &&
    theirs.dhKey === mine.dhKey &&
    theirs.signature === mine.signature
  );
}
