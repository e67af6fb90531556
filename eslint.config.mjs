// Flat ESLint config: typescript-eslint's recommended rules, no focused tests, and nothing
// that fights Prettier (formatting is Prettier's job).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import noOnlyTests from 'eslint-plugin-no-only-tests';

// The runtime's dependency rule: shared ← import-map ← {podlet, layout, cdn}, and none of those
// three imports another, so each service can be read, tested and deployed on its own.
const services = ['podlet', 'layout', 'cdn'];
const forbiddenFrom = {
  shared: ['import-map', ...services, 'dev', 'browser'],
  'import-map': [...services, 'dev', 'browser'],
  podlet: ['layout', 'cdn', 'dev'],
  layout: ['podlet', 'cdn', 'dev'],
  cdn: ['podlet', 'layout', 'dev'],
};
const dependencyRule = Object.entries(forbiddenFrom).map(([folder, forbidden]) => ({
  files: [`runtime/${folder}/**/*.{ts,js}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
            message: `runtime/${folder}/ may not import from ${forbidden.join(', ')}: the rule is shared ← import-map ← {podlet, layout, cdn} (runtime/ARCHITECTURE.md).`,
          },
          { regex: '^@podmap/runtime(/|$)', message: 'Inside runtime/, import by relative path; the package exports are for its users.' },
        ],
      },
    ],
  },
}));

// Size limits for the runtime: a longer function or file needs an eslint-disable comment that says why.
const sizeLimits = {
  files: ['runtime/**/*.{ts,js}'],
  ignores: ['runtime/browser/public/**'],
  rules: {
    'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    'max-lines': ['error', { max: 250 }],
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/public/**', 'store/**', 'bench/results/**', '.cache/**'] },
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
  sizeLimits,
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  prettier,
);
