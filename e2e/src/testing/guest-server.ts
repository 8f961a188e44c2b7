import { CHEAP_PROOF_ENV } from '@knock/server/testing/claims';
import { startTestServer } from '@knock/server/testing/test-server';

/**
 * A real test server for the guest page's own tests, which run in Node but type-check with the
 * page (no Node types): only what they touch, in plain types. Proofs of work are cheap.
 */
export interface GuestTestServer {
  readonly url: string;
  /** The server's injected clock. */
  now(): number;
  advance(ms: number): void;
  /** Runs the expiry sweeper once; resolves with how many chats it deleted. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export async function startGuestTestServer(): Promise<GuestTestServer> {
  const server = await startTestServer({ env: CHEAP_PROOF_ENV });
  return {
    url: server.url,
    now: () => server.clock.now(),
    advance: (ms) => server.clock.advance(ms),
    sweep: () => server.app.sweeper.runOnce(),
    close: () => server.close(),
  };
}
