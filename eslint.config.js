// Lint configuration (style.md "What to absorb" 1): besides the usual checks, import restrictions per folder make
// a layering violation fail CI — VS Code's layer checker, in ESLint form.
//   common   main/api.ts and its small companions: zod only; no node:, no electron, no DOM-only code
//   node     main/** (except main/index.ts): never electron; main/engine/** also never the transports
//   browser  renderer/**: no node:, no electron, nothing from main/ except the contract (main/api)
//   electron main/index.ts and preload/ are the only files that may import electron
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeMessage = 'this layer must not use Node built-ins (DESIGN.md §1 layering).';
// Bare built-in names are matched exactly (`paths`), not as patterns, so a local file such as ./events.ts is fine.
const nodePaths = builtinModules.map((name) => ({ name, message: nodeMessage }));
const noNode = { group: ['node:*'], message: nodeMessage };
const noElectron = {
  group: ['electron', 'electron/*'],
  message: 'only main/index.ts and preload/ may import electron.',
};
const commonFiles = [
  'main/api.ts',
  'main/api/**/*.ts',
  'main/api-binding.ts',
  'main/event-hub.ts',
  'main/csp.ts',
  'main/ipc-channels.ts',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'data/',
      'resources/models/',
      'test/fixtures/',
      'test-results/',
      'playwright-report/',
      '.cache/',
      '**/*.py',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['main/**/*.ts', 'scripts/**', 'bin/**', 'test/**', 'bench/**', 'tools/**', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['renderer/**'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodePaths,
          patterns: [
            noNode,
            noElectron,
            {
              group: ['**/main/**', '!**/main/api'],
              message: 'the renderer talks to the engine only through the client of main/api.ts (DESIGN.md §2).',
            },
          ],
        },
      ],
    },
  },
  {
    files: commonFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodePaths,
          patterns: [
            noNode,
            noElectron,
            {
              group: ['ws', '**/engine/**', '**/server', '**/server/**'],
              message: 'main/api.ts and its companions are "common": zod only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/index.ts', ...commonFiles],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron] }] },
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noElectron,
            {
              group: ['ws', '**/server', '**/server/**', '**/renderer/**', '**/handlers/**'],
              message: 'the engine never knows which transport or window called it (DESIGN.md §1).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodePaths,
          patterns: [
            noNode,
            {
              group: ['**/main/**', '!**/main/api', '!**/main/ipc-channels'],
              message: 'the preload only pipes the contract: electron, main/api (types) and main/ipc-channels.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/e2e/**/*.ts'],
    // Playwright fixtures take their dependencies as a destructured first argument, often empty.
    rules: { 'no-empty-pattern': 'off' },
  },
);
