import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources of sibling workspaces, not their build output.
    alias: [
      {
        find: /^@knock\/(protocol|crypto|client)\/(.*)$/,
        replacement: `${root}packages/$1/src/$2.ts`,
      },
      { find: /^@knock\/server\/(.*)$/, replacement: `${root}apps/server/src/$1.ts` },
    ],
  },
  test: {
    include: ['{apps,packages,bench}/*/src/**/*.test.ts', 'bench/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    reporters: ['default', './scripts/count-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
