import { closeSync, fdatasyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readMachineCpu, readOpenFileLimits, readPortRange } from './proc.js';
import { summarize, type LatencySummary } from './stats.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  openFilesSoft: number | undefined;
  openFilesHard: number | undefined;
  ephemeralPorts: number | undefined;
  /** 4 KiB appends each followed by fdatasync, in the directory that holds the database. */
  fsyncMs: LatencySummary;
  /** CPU busy before the run started (other work on the box), in percent of one core. */
  backgroundCpuPercent: number;
}

export async function describeMachine(databaseDir: string): Promise<MachineInfo> {
  const limits = readOpenFileLimits();
  const before = readMachineCpu();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = readMachineCpu();
  const total = after.totalTicks - before.totalTicks;
  const backgroundCpuPercent =
    total > 0 ? ((after.busyTicks - before.busyTicks) / total) * 100 * cpus().length : 0;
  return {
    backgroundCpuPercent,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    openFilesSoft: limits?.soft,
    openFilesHard: limits?.hard,
    ephemeralPorts: readPortRange()?.size,
    fsyncMs: probeFsync(databaseDir),
  };
}

/** What a durable commit costs on this disk at the least: append 4 KiB, fdatasync; 200 times. */
function probeFsync(dir: string): LatencySummary {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 7);
  const times: number[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      times.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
  return summarize(times);
}
