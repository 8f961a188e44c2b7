import type { WriteOp, WriteResult } from './repository.js';

/** From the event loop to the message writer's thread. */
export type WriterRequest =
  | { kind: 'commit'; id: number; ops: readonly WriteOp[]; now: number; cutoff: number }
  | { kind: 'close' };

/** Back from the writer: a batch's results, why it failed, or that the connection is closed. */
export type WriterReply =
  | { kind: 'committed'; id: number; results: WriteResult[] }
  | { kind: 'failed'; id: number; error: unknown }
  | { kind: 'closed' };
