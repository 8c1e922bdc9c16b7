// electron-builder cannot run on the offline build machines (it downloads Electron and its target tools), so these
// checks hold its configuration to electron-builder's own schema and to what the app expects at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../main/project-paths';

// electron-builder's own parts, resolved from it (they are its dependencies, not ours).
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const fromLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));
const yaml = fromLib('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = fromLib('./out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = fromLib('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  extraResources: { from: string; to: string }[];
  asarUnpack: string[];
  npmRebuild: boolean;
  linux: { target: string[] };
  mac: { target: string };
  win: { target: string };
}
const config = yaml.load(readFileSync(path.join(projectRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("matches electron-builder's configuration schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, filez: [] }, new DebugLogger(false))).rejects.toThrow(/filez/);
  });

  it('names the app and packs the bundles only, never data/ or the sources', () => {
    expect([config.appId, config.productName]).toEqual(['org.pairscope.app', 'Pairscope']);
    expect(config.files).toEqual([
      'out/**/*',
      '!out/**/*.map',
      'package.json',
      '!node_modules/tsx/**',
      '!node_modules/esbuild/**',
      '!node_modules/@esbuild/**',
    ]);
    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main.startsWith('out/')).toBe(true);
  });

  it('ships the default model beside app.asar where main/index.ts looks for it when packaged', () => {
    expect(config.extraResources).toEqual([{ from: 'resources/models', to: 'models', filter: ['**/*'] }]);
    const shell = readFileSync(path.join(projectRoot, 'main', 'index.ts'), 'utf8');
    expect(shell).toContain("path.join(process.resourcesPath, 'models', 'albef-emoji-small')");
  });

  it('unpacks every native module from the archive and rebuilds them for Electron', () => {
    for (const name of ['better-sqlite3', 'hnswlib-node', 'onnxruntime-node', 'sharp', '@img']) {
      expect(config.asarUnpack).toContain(`node_modules/${name}/**`);
    }
    expect(config.npmRebuild).toBe(true);
  });

  it('targets AppImage and deb on Linux, dmg on macOS, NSIS on Windows', () => {
    expect([config.linux.target, config.mac.target, config.win.target]).toEqual([['AppImage', 'deb'], 'dmg', 'nsis']);
  });
});
