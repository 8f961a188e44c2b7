#!/usr/bin/env node
// The `knock` command. The CLI is compiled TypeScript: run `npm run build` (tsc -b) first.
import { run } from '../dist/main.js';

process.exitCode = await run(process.argv.slice(2));
