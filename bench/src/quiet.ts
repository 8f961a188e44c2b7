import { cpus } from 'node:os';
import { readMachineCpu } from './proc.js';

/**
 * On a shared machine: waits until the CPU is quiet (busy below `thresholdPercent` of one core
 * over a 2 s look) before a phase starts, for at most `maxSeconds`. Returns the seconds waited
 * and whether it found quiet.
 */
export async function waitForQuiet(
  maxSeconds: number,
  thresholdPercent = 15,
  log: (line: string) => void = () => undefined,
): Promise<{ waitedSeconds: number; quiet: boolean }> {
  const started = Date.now();
  let said = false;
  for (;;) {
    const before = readMachineCpu();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = readMachineCpu();
    const total = after.totalTicks - before.totalTicks;
    const busy =
      total > 0 ? ((after.busyTicks - before.busyTicks) / total) * 100 * cpus().length : 0;
    const waitedSeconds = (Date.now() - started) / 1000;
    if (busy < thresholdPercent) return { waitedSeconds, quiet: true };
    if (waitedSeconds >= maxSeconds) {
      log(
        `  machine still ${busy.toFixed(0)}% busy after ${waitedSeconds.toFixed(0)} s; going ahead`,
      );
      return { waitedSeconds, quiet: false };
    }
    if (!said) log(`  machine ${busy.toFixed(0)}% busy (of one core); waiting for quiet`);
    said = true;
  }
}
