import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  describeProcess,
  readAllProcesses,
  clockTicksPerSecond,
  readMachineCpu,
  readProcess,
  type MachineCpu,
  type ProcessSample,
} from './proc.js';

/** One reading of the server under test, this process (the load generator) and the machine. */
export interface UsageSample {
  at: number;
  target: ProcessSample | undefined;
  loader: ProcessSample | undefined;
  machine: MachineCpu;
}

export interface PhaseUsage {
  wallSeconds: number;
  /** CPU of the process under test, in percent of one core (200 = both cores of two). */
  targetCpuPercent: number;
  /** CPU of the benchmark process (load generator worker plus orchestration). */
  loaderCpuPercent: number;
  /** Busy share of the whole machine, in percent of all cores (100 = saturated). */
  machineBusyPercent: number;
  /** CPU used by everything else on the machine (other processes, kernel threads), like the two above. */
  otherCpuPercent: number;
  /** Of all the machine's busy time: irq + softirq and steal, in percent of one core. */
  interruptCpuPercent: number;
  stealCpuPercent: number;
  targetRssStartKiB: number;
  targetRssEndKiB: number;
  targetRssMaxKiB: number;
  /** The largest other CPU users over the window (filled by Sampler, not by usageBetween). */
  topOthers?: { pid: number; command: string; cpuPercent: number }[];
}

/** CPU and RSS between two readings, with the RSS peak over every reading in between (pure). */
export function usageBetween(
  first: UsageSample,
  last: UsageSample,
  all: readonly UsageSample[],
  ticksPerSecond: number,
  cores: number,
): PhaseUsage {
  const wallSeconds = (last.at - first.at) / 1000;
  const cpu = (a: ProcessSample | undefined, b: ProcessSample | undefined) =>
    a && b && wallSeconds > 0
      ? ((b.cpuTicks - a.cpuTicks) / ticksPerSecond / wallSeconds) * 100
      : 0;
  const machineTotal = last.machine.totalTicks - first.machine.totalTicks;
  const inWindow = all.filter((s) => s.at >= first.at && s.at <= last.at);
  const rss = [first, ...inWindow, last].map((s) => s.target?.rssKiB ?? 0);
  const targetCpuPercent = cpu(first.target, last.target);
  const loaderCpuPercent = cpu(first.loader, last.loader);
  const machineShare = (field: 'interruptTicks' | 'stealTicks') =>
    machineTotal > 0
      ? ((last.machine[field] - first.machine[field]) / machineTotal) * 100 * cores
      : 0;
  const machineBusyPercent =
    machineTotal > 0
      ? ((last.machine.busyTicks - first.machine.busyTicks) / machineTotal) * 100
      : 0;
  return {
    wallSeconds,
    targetCpuPercent,
    loaderCpuPercent,
    machineBusyPercent,
    otherCpuPercent: Math.max(0, machineBusyPercent * cores - targetCpuPercent - loaderCpuPercent),
    interruptCpuPercent: machineShare('interruptTicks'),
    stealCpuPercent: machineShare('stealTicks'),
    targetRssStartKiB: first.target?.rssKiB ?? 0,
    targetRssEndKiB: last.target?.rssKiB ?? 0,
    targetRssMaxKiB: Math.max(...rss),
  };
}

/** Samples a target process every `intervalMs` while it runs; `mark()` takes a reading now. */
export class Sampler {
  private readonly samples: UsageSample[] = [];
  private readonly snapshots = new Map<
    UsageSample,
    Map<number, { comm: string; cpuTicks: number }>
  >();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => this.samples.push(this.read()), intervalMs);
    this.timer.unref();
  }

  /** A reading now, with a snapshot of every process so the window's other CPU users are known. */
  mark(): UsageSample {
    const sample = this.read();
    this.samples.push(sample);
    this.snapshots.set(sample, readAllProcesses());
    return sample;
  }

  usage(first: UsageSample, last: UsageSample): PhaseUsage {
    const usage = usageBetween(first, last, this.samples, clockTicksPerSecond(), cpus().length);
    const before = this.snapshots.get(first);
    const after = this.snapshots.get(last);
    if (before && after && usage.wallSeconds > 0) {
      const ticks = clockTicksPerSecond() * usage.wallSeconds;
      usage.topOthers = [...after]
        .filter(([pid]) => pid !== this.pid && pid !== process.pid)
        .map(([pid, p]) => ({
          pid,
          comm: p.comm,
          cpuPercent: ((p.cpuTicks - (before.get(pid)?.cpuTicks ?? 0)) / ticks) * 100,
        }))
        .filter((p) => p.cpuPercent >= 2)
        .sort((a, b) => b.cpuPercent - a.cpuPercent)
        .slice(0, 3)
        .map((p) => ({
          pid: p.pid,
          command: describeProcess(p.pid, p.comm),
          cpuPercent: p.cpuPercent,
        }));
    }
    return usage;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private read(): UsageSample {
    const at = performance.now();
    return {
      at,
      target: readProcess(this.pid, at),
      loader: readProcess('self', at),
      machine: readMachineCpu(),
    };
  }
}
