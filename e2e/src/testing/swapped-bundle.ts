import { createGuestLink } from '@knock/crypto/guest-link';
import { createIdentity } from '@knock/crypto/identity';
import {
  createInvite,
  inviteBundleToJSON,
  type InviteBundleJSON,
} from '@knock/crypto/invite-bundle';
import { webCryptoBackend as crypto } from '@knock/crypto/webcrypto-backend';
import type { Rewrite } from './misbehaving-server.js';

const BUNDLE_PATH = /^\/api\/invites\/[^/]+\/bundle$/;

/**
 * A MisbehavingServer's answer rewrite that swaps the host's keys in every guest-link bundle it
 * serves (T3): the same invite, name and expiry, signed by another identity — a bundle that
 * verifies on its own but not against the host key the link pins.
 */
export function swapHostKey(): Rewrite {
  const mallory = createIdentity(crypto);
  return async (path, body) => {
    if (!BUNDLE_PATH.test(path)) return body;
    const { bundle } = body as { bundle: InviteBundleJSON };
    const identity = await mallory;
    const forged = await createInvite(
      crypto,
      identity,
      await createGuestLink(crypto, identity.signingKey.publicKey),
      { expiresAt: bundle.expiresAt, displayName: bundle.displayName, reusable: false },
    );
    return { bundle: { ...inviteBundleToJSON(forged.bundle), inviteId: bundle.inviteId } };
  };
}
