// Flat ESLint config: typescript-eslint's recommended rules, no focused tests, and nothing
// that fights Prettier (formatting is Prettier's job).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import noOnlyTests from 'eslint-plugin-no-only-tests';
import { noImportCycle } from './eslint-rules/no-import-cycle.mjs';

// The runtime's dependency rule: shared ← import-map ← {podlet, layout, cdn}, and none of those
// three imports another, so each service can be read, tested and deployed on its own. The
// command line sits on top: cli ← dev ← shared; it reaches the CDN only through @podmap/cdn, a
// package of its own that a podlet team does not install.
const services = ['podlet', 'layout', 'cdn'];
const forbiddenFrom = {
  shared: ['import-map', ...services, 'dev', 'cli', 'browser'],
  'import-map': [...services, 'dev', 'cli', 'browser'],
  podlet: ['layout', 'cdn', 'dev', 'cli'],
  layout: ['podlet', 'cdn', 'dev', 'cli'],
  cdn: ['podlet', 'layout', 'dev', 'cli'],
  dev: [...services, 'cli'],
  cli: services,
};
const folderPatterns = (folder) => [
  {
    regex: `^(\\.\\./)+(${forbiddenFrom[folder].join('|')})(/|$)`,
    message: `runtime/${folder}/ may not import from ${forbiddenFrom[folder].join(', ')}: the rule is shared ← import-map ← {podlet, layout, cdn} (runtime/ARCHITECTURE.md).`,
  },
  { regex: '^@podmap/runtime(/|$)', message: 'Inside runtime/, import by relative path; the package exports are for its users.' },
];

// Inside a service the folders depend one way too (runtime/ARCHITECTURE.md): each folder may
// import the folders listed for it and no other; none imports the service's entry files at its top.
const innerFolders = {
  cdn: {
    rule: 'store, build ← publish ← shaken ← http; tokens ← http; nginx ← store',
    entries: ['index', 'main'],
    folders: {
      store: [],
      build: [],
      tokens: [],
      publish: ['store', 'build'],
      shaken: ['store', 'build', 'publish'],
      http: ['store', 'publish', 'shaken', 'tokens'],
      nginx: ['store'],
    },
  },
  layout: {
    rule: 'podlets ← assets ← {overrides, service-worker} ← render',
    entries: ['index', 'create-layout', 'layout-options', 'validate-layout-options'],
    folders: {
      podlets: [],
      assets: ['podlets'],
      overrides: ['assets'],
      'service-worker': ['assets'],
      render: ['podlets', 'assets', 'overrides', 'service-worker'],
    },
  },
};
const innerPatterns = (service, folder) => {
  const { rule, entries, folders } = innerFolders[service];
  const forbidden = Object.keys(folders).filter((other) => other !== folder && !folders[folder].includes(other));
  const targets = [...forbidden.map((other) => `${other}(/|$)`), ...entries.map((entry) => `${entry}\\.ts$`)];
  return [
    {
      regex: `^(\\.\\./)+(${targets.join('|')})`,
      message: `runtime/${service}/${folder}/ may not import from ${[...forbidden, ...entries.map((e) => `${e}.ts`)].join(', ')}: inside ${service}/ the rule is ${rule} (runtime/ARCHITECTURE.md).`,
    },
  ];
};

// One block per folder, inner folders last: a later block's no-restricted-imports replaces an
// earlier one's for the files both match, so an inner folder's block repeats its service's patterns.
const restrictImports = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });
const dependencyRule = [
  ...Object.keys(forbiddenFrom).map((folder) => restrictImports([`runtime/${folder}/**/*.{ts,js}`], folderPatterns(folder))),
  ...Object.entries(innerFolders).flatMap(([service, { folders }]) =>
    Object.keys(folders).map((folder) =>
      restrictImports([`runtime/${service}/${folder}/**/*.{ts,js}`], [...folderPatterns(service), ...innerPatterns(service, folder)]),
    ),
  ),
];

// No file may import its way back to itself, through any kind of import (eslint-rules/no-import-cycle.mjs).
const noCycles = {
  files: ['**/*.{ts,js,mjs}'],
  plugins: { podmap: { rules: { 'no-import-cycle': noImportCycle } } },
  rules: { 'podmap/no-import-cycle': 'error' },
};

// Size limits for the runtime, the benchmarks and the test helpers: a longer function or file needs
// an eslint-disable comment that says why. Functions in the runtime stop at 45 lines, in the
// benchmarks and test helpers at 60; files at 250 everywhere.
const sizeLimit = (files, maxFunctionLines) => ({
  files,
  ignores: ['runtime/browser/public/**'],
  rules: {
    'max-lines-per-function': ['error', { max: maxFunctionLines, skipBlankLines: true, skipComments: true }],
    'max-lines': ['error', { max: 250 }],
  },
});
const sizeLimits = [sizeLimit(['runtime/**/*.{ts,js}'], 45), sizeLimit(['bench/**/*.ts', 'test/helpers/**'], 60)];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/public/**', '**/dist/**', 'store/**', 'bench/results/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'no-only-tests': noOnlyTests },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', window: 'readonly', document: 'readonly' },
    },
    rules: {
      'no-only-tests/no-only-tests': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...dependencyRule,
  noCycles,
  ...sizeLimits,
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  prettier,
);
