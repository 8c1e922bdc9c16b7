/**
 * Vite build of the renderer alone (`npm run build:renderer`) → out/renderer, which the browser host serves.
 * electron-vite (electron.vite.config.ts) builds the same renderer with the same settings for the Electron app.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export const rendererRoot = fileURLToPath(new URL('.', import.meta.url));
export const rendererOutDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

export default defineConfig({
  root: rendererRoot,
  // Relative asset URLs: Electron loads index.html from a file, the browser host from http://127.0.0.1:port/.
  base: './',
  plugins: [svelte()],
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    target: 'es2022',
    // No inline <script>/<style> may appear (CSP forbids them); keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
