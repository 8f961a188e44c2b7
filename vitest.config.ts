import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable as found } from './bench/src/chromium.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const chromiumPath = CHROMIUM_PATH;
const chromiumAvailable = found();

/**
 * The suites that run in Chromium: crypto's vectors, transcript, keys and platform checks, and the
 * SDK's browser-only code (IndexedDB, Web Locks).
 */
const chromiumSuites = [
  'packages/crypto/src/{rfc-vectors,wycheproof,ml-kem,transcript,keys,cross-backend,guest-link}.test.ts',
  'packages/crypto/src/**/*.browser.test.ts',
  'packages/client/src/**/*.browser.test.ts',
];

if (!chromiumAvailable) {
  process.stderr.write(
    `\nChromium not found at ${chromiumPath}: the browser suites will not run ` +
      `(apt-get install -y chromium, or set KNOCK_CHROMIUM). With CI set this fails the run.\n\n`,
  );
}

export default defineConfig({
  resolve: {
    // Tests run against the sources of sibling workspaces, not their build output.
    alias: [
      {
        find: /^@knock\/(protocol|crypto|client)\/(.*)$/,
        replacement: `${root}packages/$1/src/$2.ts`,
      },
      { find: /^@knock\/server\/(.*)$/, replacement: `${root}apps/server/src/$1.ts` },
      { find: /^@knock\/bench\/(.*)$/, replacement: `${root}bench/src/$1.ts` },
      { find: /^@knock\/ui\/(.*)$/, replacement: `${root}packages/ui/src/$1` },
    ],
  },
  test: {
    reporters: ['default', './scripts/count-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    provide: { chromiumPath, chromiumAvailable },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['{apps,packages,bench}/*/src/**/*.test.ts', '{bench,e2e}/src/**/*.test.ts'],
          exclude: [
            '**/node_modules/**',
            '**/dist/**',
            '**/*.browser.test.ts',
            'e2e/src/browser/**',
          ],
          pool: 'forks',
        },
      },
      {
        // The browser apps end to end: a server in this process, Chromium driven by Playwright.
        // A page's whole journey takes longer than a unit test, more so on a loaded machine.
        extends: true,
        test: {
          name: 'browser-e2e',
          include: ['e2e/src/browser/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
        },
      },
      ...(chromiumAvailable
        ? [
            {
              extends: true,
              test: {
                name: 'chromium',
                include: chromiumSuites,
                exclude: ['**/node_modules/**', '**/dist/**'],
                browser: {
                  enabled: true,
                  headless: true,
                  screenshotFailures: false,
                  provider: playwright({
                    launchOptions: { executablePath: chromiumPath, args: CHROMIUM_ARGS },
                  }),
                  instances: [{ browser: 'chromium' as const }],
                },
              },
            },
          ]
        : []),
    ],
  },
});
