#!/usr/bin/env node
// `npm start`: builds whatever is out of date (tsc -b is incremental, the browser apps when their
// sources changed), then serves Knock.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const build = spawnSync(process.execPath, [tsc, '-b'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('knock: the build failed; see the errors above.');
  process.exit(build.status ?? 1);
}
// The browser apps, when their sources changed since they were last built.
const apps = spawnSync(process.execPath, ['scripts/build-apps.mjs', '--if-stale'], {
  stdio: 'inherit',
});
if (apps.status !== 0) {
  console.error('knock: building the browser apps failed; see the errors above.');
  process.exit(apps.status ?? 1);
}
const { startServer } = await import('../apps/server/dist/main.js');
try {
  const { url } = await startServer();
  console.log(`Knock is running at ${url}`);
} catch (error) {
  console.error(
    `knock: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
