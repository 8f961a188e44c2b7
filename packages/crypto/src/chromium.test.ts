/**
 * The crypto suites must also pass in a real browser (the `chromium` test project). Without a
 * Chromium that project cannot exist: under CI this test then fails the run; locally it is skipped.
 */
import { expect, inject, it } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
    chromiumAvailable: boolean;
  }
}

const path = inject('chromiumPath');
const available = inject('chromiumAvailable');
const ci = !['', '0', 'false'].includes(process.env['CI'] ?? '');

it.skipIf(!available && !ci)(
  `finds Chromium at ${path} for the browser project (apt-get install -y chromium)`,
  () => {
    expect(available, `Chromium is missing at ${path}; CI must run the browser suites`).toBe(true);
  },
);
