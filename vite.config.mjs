// Builds the sidebar panel (Lit + TypeScript in src/panel) into dist/src/panel, where src/server/panel.ts serves it.
// base './' keeps every URL relative, so the panel works under Home Assistant's ingress prefix and standalone alike.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/panel'),
  base: './',
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, 'dist/src/panel'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  },
});
