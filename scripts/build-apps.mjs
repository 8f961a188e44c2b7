#!/usr/bin/env node
// Type-checks and bundles the browser apps (after `tsc -b` built what they reference). With
// `--if-stale`, skips an app whose build is newer than every source it is made from, so that
// `npm start` costs nothing when nothing changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
const APPS = ['guest', 'web'];
const SOURCES = [
  'packages/protocol/src',
  'packages/crypto/src',
  'packages/client/src',
  'packages/ui/src',
];
const ifStale = process.argv.includes('--if-stale');

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

for (const app of APPS) {
  const dir = join('apps', app);
  if (!existsSync(join(root, dir, 'index.html'))) continue;
  if (ifStale) {
    const built = newest(join(root, dir, 'dist', 'index.html'));
    const inputs = [...SOURCES, join(dir, 'src'), join(dir, 'index.html'), join(dir, 'public')];
    if (built > 0 && built >= Math.max(...inputs.map((p) => newest(join(root, p))))) continue;
  }
  run([tsc, '-p', dir]);
  run([vite, 'build', dir, '--logLevel', 'warn']);
}
