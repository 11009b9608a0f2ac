import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    ignores: ['**/node_modules/', '**/dist/', '**/artifacts/', '**/coverage', '.config/', '**/.eslintcache'],
  },
  ...baseConfig,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    // The model is pure: the datasource, the panel and the CLI share it, and the rules compiler will too.
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-*', '@grafana/*', '@emotion/*', 'rxjs'],
              message: 'src/model is pure: no UI or Grafana runtime.',
            },
            {
              group: ['node:*', 'fs', 'path', 'http', 'https', 'child_process'],
              message: 'src/model is pure: no Node built-ins.',
            },
            { group: ['../*', '!../model'], message: 'src/model imports nothing from the rest of src/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'fetch', 'process', 'localStorage'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'now is passed in.' }],
    },
  },
]);
