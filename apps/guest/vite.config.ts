import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { knockApp } from '../../scripts/vite-app.mjs';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The guest page, served under /j (the links' path), and its terms page. */
export default defineConfig(
  knockApp({ base: '/j/', input: { index: here('index.html'), terms: here('terms.html') } }),
);
