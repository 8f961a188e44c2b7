import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startStorageBeside } from './storage-beside.js';

// The child runs from the build (npm test builds first), as it does under `npm run bench`.
const BUILT_LOAD = fileURLToPath(new URL('../dist/storage-load.js', import.meta.url));

describe('the storage load beside the bare relay', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("commits sends and acks at the asked rate through Knock's write path, then removes its file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knock-storage-load-'));
    dirs.push(dir);
    const file = join(dir, 'floor.db');
    const load = await startStorageBeside({
      file,
      chats: 20,
      rate: 400,
      payloadBytes: 160,
      main: BUILT_LOAD,
    });
    expect(existsSync(file)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const figures = await load.stop();

    expect(figures.refused).toBe(0);
    expect(figures.sendsPerSecond).toBeGreaterThan(300);
    expect(figures.sendsPerSecond).toBeLessThan(440);
    // Each recipient's ack once a second, as the cursor book writes them.
    expect(figures.cursorWritesPerSecond).toBeGreaterThan(0);
    expect(figures.commits.count).toBeGreaterThan(0);
    expect(figures.commits.p50).toBeGreaterThan(0);
    expect(figures.cpuPercent).toBeGreaterThan(0);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
