/**
 * electron-vite build of the Electron app (`npm run build`): main process and its worker threads → out/main,
 * sandboxed preload → out/preload (CommonJS: Electron's sandbox cannot load an ESM preload), renderer → out/renderer
 * with the same settings as renderer/vite.config.ts (which builds the renderer alone for the browser host).
 */
import { readFileSync } from 'node:fs';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { workerEntries } from './main/engine/worker-entry';
import { rendererOutDir, rendererRoot } from './renderer/vite.config';

// electron-vite reads Electron's version from node_modules/electron to pick its build targets. Electron is an
// optional dependency (README "Electron offline"), so fall back to the version package.json pins: the bundles
// then build, and can be checked, on machines where the Electron binary could not be installed.
if (!process.env.ELECTRON_MAJOR_VER) {
  const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
    optionalDependencies: { electron: string };
  };
  process.env.ELECTRON_MAJOR_VER = pkg.optionalDependencies.electron.split('.')[0];
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The worker threads the engine starts are entries of their own, out/main/<name>.js, found at run time by
      // main/engine/worker-entry.ts (its list is this one). Entries and shared chunks are all written flat into
      // out/main/ so that `new URL('./<name>.js', import.meta.url)` finds a worker from whichever chunk asks.
      lib: { entry: { index: 'main/index.ts', ...workerEntries } },
      rollupOptions: { output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: 'preload/index.ts', formats: ['cjs'] },
      rollupOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: rendererRoot,
    base: './',
    plugins: [svelte()],
    build: {
      outDir: rendererOutDir,
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      rollupOptions: { input: `${rendererRoot}/index.html` },
    },
  },
});
