import { KnockError } from '@knock/client/errors';
import type { ProofSolver } from '@knock/client/proof-of-work';
import { ClaimProof } from '@knock/protocol/proof-of-work';
import * as v from 'valibot';

/** What the proof-of-work worker says back. */
export type WorkerReply =
  | { type: 'progress'; attempts: number }
  | { type: 'done'; proof: ClaimProof }
  | { type: 'error'; code: string };

const Reply = v.variant('type', [
  v.object({ type: v.literal('progress'), attempts: v.number() }),
  v.object({ type: v.literal('done'), proof: ClaimProof }),
  v.object({ type: v.literal('error'), code: v.string() }),
]);

/**
 * Solves claim challenges in a Worker, one per challenge, so that the page keeps answering and
 * draws progress. Aborting terminates the worker. Falls back to nothing: a browser with module
 * workers and WebCrypto is required, as it is for the keys.
 */
export const workerSolver: ProofSolver = (challenge, options) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' });
    const signal = options?.signal;
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener('abort', abort);
    };
    const abort = () => {
      finish();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', abort);
    worker.onmessage = (event: MessageEvent<unknown>) => {
      const reply = v.safeParse(Reply, event.data);
      if (!reply.success) {
        finish();
        reject(new KnockError('proof_invalid'));
      } else if (reply.output.type === 'progress') {
        options?.onAttempt?.(reply.output.attempts, options.maxAttempts);
      } else if (reply.output.type === 'done') {
        finish();
        resolve(reply.output.proof);
      } else {
        finish();
        reject(new KnockError(reply.output.code === 'timeout' ? 'timeout' : 'proof_invalid'));
      }
    };
    worker.onerror = () => {
      finish();
      reject(new KnockError('proof_invalid', 'The proof of work could not run in this browser.'));
    };
    worker.postMessage({
      challenge,
      ...(options?.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    });
  });
