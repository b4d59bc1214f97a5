import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', '.run/', 'charts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'as', objectLiteralTypeAssertions: 'never' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Ports below their users: src/ is the lower room and never reaches up into the controllers or the
    // composition root (app/), which are the only places that wire the two together.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/controllers/**', '**/controllers', '**/app/**', '**/app'], message: 'src/ must not import from controllers/ or app/: put the port in src/ and let the higher room implement it.' }] }],
    },
  },
  {
    // Media and state sit below the service layer: sources use them, never the other way round.
    files: ['src/media/**/*.ts', 'src/state/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/controllers/**', '**/controllers', '**/app/**', '**/app'], message: 'src/ must not import from controllers/ or app/: put the port in src/ and let the higher room implement it.' },
            { group: ['**/sources/**', '**/sources', '**/ops/**', '**/ops'], message: 'src/media and src/state are below the sources and the ops: put the port here and let the higher room implement it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
);
