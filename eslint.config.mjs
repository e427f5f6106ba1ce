import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  patterns: [{ group: ['vscode'], message: 'core/, lab/ and cli/ must not import vscode: put editor code in extension/src/vscode/.' }],
  paths: [{ name: 'vscode', message: 'core/, lab/ and cli/ must not import vscode: put editor code in extension/src/vscode/.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'firmware/**', 'test-results/**', '**/*.js', '**/*.mjs', '!eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Serial and terminal parsing matches control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['extension/src/core/**/*.ts', 'extension/src/lab/**/*.ts', 'extension/src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', noVscode],
      '@typescript-eslint/no-restricted-imports': ['error', noVscode],
    },
  },
  { files: ['eslint.config.mjs'], ...tseslint.configs.disableTypeChecked },
);
