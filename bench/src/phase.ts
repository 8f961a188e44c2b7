import type { PairsJob, WorkerEvent } from './jobs.js';
import { runLoadJob } from './loader.js';
import type { PairsPhaseRecord } from './results.js';
import { Sampler, type UsageSample } from './sampler.js';
import type { Target } from './targets.js';
import { scrapeMetrics, writeBatchesBetween } from './write-batches.js';

type Phase = Extract<WorkerEvent, { type: 'phase' }>['phase'];

/**
 * Runs one pairs job against a started target, sampling the target's CPU and RSS over exactly the
 * measured window (the worker announces its start and end). `onPhase` hears the phases too, after
 * the sampler has marked them (e.g. to start other load exactly with the measured window).
 */
export async function runPairsPhase(
  target: Target,
  job: PairsJob,
  meta: { scenario: PairsPhaseRecord['scenario']; round: number },
  onPhase: (phase: Phase) => void = () => undefined,
): Promise<PairsPhaseRecord> {
  const sampler = new Sampler(target.pid);
  let first: UsageSample | undefined;
  let last: UsageSample | undefined;
  // Knock's group commits over the same window, from its /metrics.
  const metrics: Promise<string | undefined>[] = [];
  try {
    const load = await runLoadJob(job, (phase) => {
      if (phase === 'measuring') first = sampler.mark();
      if (phase === 'measured') last = sampler.mark();
      if (target.kind === 'knock' && (phase === 'measuring' || phase === 'measured'))
        metrics.push(scrapeMetrics(target.httpUrl));
      onPhase(phase);
    });
    if (!first || !last) throw new Error('the load generator did not report its measured window');
    const usage = sampler.usage(first, last);
    const [before, after] = await Promise.all(metrics);
    const writeBatches = before && after ? writeBatchesBetween(before, after) : undefined;
    const seconds = load.windowSeconds;
    return {
      scenario: meta.scenario,
      target: target.kind,
      round: meta.round,
      pairs: job.pairs.length,
      mode: job.mode,
      sentPerSecond: load.sent / seconds,
      ackedPerSecond: load.acked / seconds,
      deliveredPerSecond: load.delivered / seconds,
      load,
      usage,
      ...(writeBatches ? { writeBatches } : {}),
      logTail: [...target.logTail],
    };
  } finally {
    sampler.stop();
  }
}
