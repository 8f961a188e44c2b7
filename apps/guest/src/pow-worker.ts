// The claim's proof of work, off the page's thread: the page stays responsive and shows progress.
import { ClaimChallenge } from '@knock/protocol/proof-of-work';
import { solveClaimChallenge } from '@knock/client/proof-of-work';
import * as v from 'valibot';
import type { WorkerReply } from './worker-solver.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: WorkerReply): void;
}

const scope = globalThis as unknown as WorkerScope;
/** Progress goes out every this many keys: often enough for a smooth bar, rarely enough to be free. */
const PROGRESS_EVERY = 10;

scope.onmessage = (event) => {
  const request = v.safeParse(
    v.object({ challenge: ClaimChallenge, maxAttempts: v.optional(v.number()) }),
    event.data,
  );
  if (!request.success) {
    scope.postMessage({ type: 'error', code: 'proof_invalid' });
    return;
  }
  const { challenge, maxAttempts } = request.output;
  solveClaimChallenge(challenge, {
    ...(maxAttempts !== undefined && { maxAttempts }),
    onAttempt: (attempts) => {
      if (attempts % PROGRESS_EVERY === 0) scope.postMessage({ type: 'progress', attempts });
    },
  }).then(
    (proof) => scope.postMessage({ type: 'done', proof }),
    (error: unknown) =>
      scope.postMessage({
        type: 'error',
        code: error instanceof Error && 'code' in error ? String(error.code) : 'timeout',
      }),
  );
};
