/**
 * An established Knock session between two parties (PQXDH, then one message each way), for the
 * end-to-end encryption cost benchmark. Platform-neutral: it also runs inside Chromium.
 */
import type { CryptoBackend } from '@knock/crypto/backend';
import { createBundle } from '@knock/crypto/bundle';
import { createIdentity } from '@knock/crypto/identity';
import { decodeInitialMessage } from '@knock/crypto/initial-message';
import { initiateSession } from '@knock/crypto/pqxdh-initiator';
import { acceptInitialMessage } from '@knock/crypto/pqxdh-responder';
import { createKemPrekey, createOneTimePrekeys, createSignedPrekey } from '@knock/crypto/prekeys';
import { decrypt, encrypt } from '@knock/crypto/session';
import type { SessionState } from '@knock/crypto/session-state';

export interface SessionPair {
  alice: SessionState;
  bob: SessionState;
}

const hello = new TextEncoder().encode('hello');

export async function establishSession(crypto: CryptoBackend): Promise<SessionPair> {
  const bobIdentity = await createIdentity(crypto);
  const signedPrekey = await createSignedPrekey(crypto, bobIdentity, 1);
  const kemPrekey = await createKemPrekey(crypto, bobIdentity, 100, false);
  const [oneTimePrekey] = await createOneTimePrekeys(crypto, 1000, 1);
  if (!oneTimePrekey) throw new Error('no one-time prekey');
  const bundle = createBundle(bobIdentity, signedPrekey, kemPrekey, oneTimePrekey);
  const started = await initiateSession(crypto, { identity: await createIdentity(crypto), bundle });
  const first = await encrypt(crypto, started, hello);
  const accepted = await acceptInitialMessage(
    crypto,
    { identity: bobIdentity, signedPrekey, kemPrekey, oneTimePrekey },
    decodeInitialMessage(first.message),
  );
  // Bob answers, so that Alice stops sending the key agreement: the session is established.
  const reply = await encrypt(crypto, accepted.state, hello);
  const received = await decrypt(crypto, first.state, reply.message);
  return { alice: received.state, bob: reply.state };
}
