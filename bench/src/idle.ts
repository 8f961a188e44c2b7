import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { localAddressFor, openClientWithRetry } from './client.js';
import { mapLimit } from './concurrency.js';
import type { IdleJob, IdleResult } from './jobs.js';
import { closeAll } from './load.js';

/**
 * Opens `clients.length` authenticated connections that then only answer the server's pings,
 * reports 'open', holds them until `release` resolves, then closes them.
 */
export async function runIdle(
  job: IdleJob,
  report: (phase: 'open') => void,
  release: Promise<void>,
): Promise<IdleResult> {
  const sockets: WebSocket[] = [];
  let failed = 0;
  let framesAfterReady = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await mapLimit(job.clients, job.connectConcurrency, async (spec, i) => {
    try {
      sockets.push(
        await openClientWithRetry(
          job.wsUrl,
          spec,
          localAddressFor(job.localAddresses, i),
          (frame) => {
            // Idle means nothing arrives after `ready`; anything that does is counted.
            if (frame.type !== 'ready') framesAfterReady++;
          },
        ),
      );
    } catch (error) {
      failed++;
      firstError ??= String(error);
    }
  });
  const connectSeconds = (performance.now() - started) / 1000;
  report('open');
  await release;
  await closeAll(sockets);
  return {
    kind: 'idle',
    requested: job.clients.length,
    opened: sockets.length,
    failed,
    firstError,
    connectSeconds,
    framesAfterReady,
  };
}
