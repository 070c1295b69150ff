import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '.output/**',
      '.wxt/**',
      'node_modules/**',
      'demo-output/**',
      'dist/**',
      'scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['lab/**', 'components/**', 'entrypoints/**', 'tests/e2e/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['debug'] }],
    },
  },
  {
    files: ['tests/**', 'lab/**', 'scripts/**', 'bin/**', 'lib/cli/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // lib/ stays pure: no browser API and no UI.
    files: ['lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['wxt/*', 'webextension-polyfill', 'preact', '@preact/*', '*/components/*'] },
      ],
    },
  },
);
