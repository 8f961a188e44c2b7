import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Parsers for Linux /proc files (pure) and the readers that feed them. */

export interface ProcStat {
  /** The command name (what sits between the parentheses). */
  comm: string;
  /** User plus system CPU time in clock ticks. */
  cpuTicks: number;
  utimeTicks: number;
  stimeTicks: number;
  /** CPU time of reaped children (cutime + cstime), in clock ticks. */
  childrenTicks: number;
  /** Thread count. */
  threads: number;
}

/**
 * Parses /proc/<pid>/stat. The second field (the command) is in parentheses and may itself hold
 * spaces or parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After ')' come field 3 (state) onwards; utime is field 14, stime 15, num_threads 20.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number): number => {
    const value = Number(fields[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc stat field ${n} missing`);
    return value;
  };
  const utimeTicks = field(14);
  const stimeTicks = field(15);
  const comm = text.slice(text.indexOf('(') + 1, close);
  return {
    comm,
    utimeTicks,
    stimeTicks,
    cpuTicks: utimeTicks + stimeTicks,
    childrenTicks: field(16) + field(17),
    threads: field(20),
  };
}

/** A "Name:   123 kB" field of /proc/<pid>/status in KiB, or undefined when absent. */
export function parseStatusKiB(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

export interface MachineCpu {
  /** Ticks spent doing anything but idle and iowait, over all CPUs. */
  busyTicks: number;
  totalTicks: number;
  /** irq + softirq: mostly the loopback network stack, charged to no process. */
  interruptTicks: number;
  /** Time the hypervisor ran someone else on our virtual CPUs. */
  stealTicks: number;
}

/** The aggregate `cpu` line of /proc/stat. */
export function parseMachineStat(text: string): MachineCpu {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest and guest_nice are inside user/nice).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    values;
  const busyTicks = user + nice + system + irq + softirq + steal;
  return {
    busyTicks,
    totalTicks: busyTicks + idle + iowait,
    interruptTicks: irq + softirq,
    stealTicks: steal,
  };
}

export interface OpenFileLimits {
  soft: number;
  hard: number;
}

/** "Max open files" of /proc/<pid>/limits; `Infinity` for "unlimited". */
export function parseOpenFileLimits(text: string): OpenFileLimits | undefined {
  const match = /^Max open files\s+(\S+)\s+(\S+)\s+files/m.exec(text);
  if (!match) return undefined;
  const value = (raw: string) => (raw === 'unlimited' ? Number.POSITIVE_INFINITY : Number(raw));
  return { soft: value(match[1] as string), hard: value(match[2] as string) };
}

/** /proc/sys/net/ipv4/ip_local_port_range: the ephemeral port range, both ends included. */
export function parsePortRange(text: string): { low: number; high: number; size: number } {
  const [low, high] = text.trim().split(/\s+/).map(Number);
  if (low === undefined || high === undefined || !(high >= low)) {
    throw new Error(`unexpected ip_local_port_range: ${text}`);
  }
  return { low, high, size: high - low + 1 };
}

// ---- Readers ----

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`), 100 when it cannot be asked. */
export function clockTicksPerSecond(): number {
  if (clockTicks !== undefined) return clockTicks;
  const answer = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const parsed = Number(answer.stdout?.trim());
  clockTicks = Number.isInteger(parsed) && parsed > 0 ? parsed : 100;
  return clockTicks;
}

export interface ProcessSample {
  /** performance.now() of the reading. */
  at: number;
  cpuTicks: number;
  rssKiB: number;
}

/** One reading of a process's CPU time and resident set size; undefined once it is gone. */
export function readProcess(pid: number | 'self', at: number): ProcessSample | undefined {
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rssKiB = parseStatusKiB(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') ?? 0;
    return { at, cpuTicks: stat.cpuTicks, rssKiB };
  } catch {
    return undefined;
  }
}

export function readMachineCpu(): MachineCpu {
  return parseMachineStat(readFileSync('/proc/stat', 'utf8'));
}

export function readOpenFileLimits(pid: number | 'self' = 'self'): OpenFileLimits | undefined {
  try {
    return parseOpenFileLimits(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function readPortRange(): { low: number; high: number; size: number } | undefined {
  try {
    return parsePortRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * CPU ticks of every process on the machine by pid, its own plus its reaped children's (so short
 * test workers show up under the runner that spawned them). Processes that vanish are skipped.
 */
export function readAllProcesses(): Map<number, { comm: string; cpuTicks: number }> {
  const all = new Map<number, { comm: string; cpuTicks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      all.set(Number(entry), { comm: stat.comm, cpuTicks: stat.cpuTicks + stat.childrenTicks });
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/** A process's command line, shortened, or its comm when unreadable. */
export function describeProcess(pid: number, comm: string): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    const text = cmdline === '' ? comm : cmdline;
    return text.length > 90 ? `${text.slice(0, 90)}…` : text;
  } catch {
    return comm;
  }
}
