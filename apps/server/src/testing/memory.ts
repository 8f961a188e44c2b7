import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full garbage collection, whether or not Node was started with --expose-gc: the flag can be set
 * at run time, and a fresh context then sees `gc`.
 */
export function forceGc(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
  gc();
}

/** Bytes the process holds in JavaScript objects and in Buffers, after a full collection. */
export function retainedBytes(): number {
  forceGc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

export const MiB = 1024 * 1024;
