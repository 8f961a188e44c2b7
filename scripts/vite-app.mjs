// The build both browser apps share: Preact JSX, sources of sibling workspaces (not their tsc
// output), hashed assets, no source maps served, workers as ES modules.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @param {{ base: string, input: Record<string, string> }} options */
export function knockApp({ base, input }) {
  return {
    base,
    resolve: {
      alias: [
        {
          find: /^@knock\/(protocol|crypto|client)\/(.*)$/,
          replacement: `${root}packages/$1/src/$2.ts`,
        },
        { find: /^@knock\/ui\/(.*)$/, replacement: `${root}packages/ui/src/$1` },
      ],
    },
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    worker: { format: 'es' },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      modulePreload: { polyfill: false },
      reportCompressedSize: true,
      rollupOptions: { input },
    },
  };
}
