import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { knockApp } from '../../scripts/vite-app.mjs';

/** The web app for registered users, served at / (every page path that is not the API's). */
export default defineConfig(
  knockApp({ base: '/', input: { index: fileURLToPath(new URL('index.html', import.meta.url)) } }),
);
