// ESLint flat config: typescript-eslint's recommended rules, type-aware, for src/, test/, bench/
// and scripts/. Formatting is Prettier's job (`npm run format`); ESLint only checks what Prettier
// cannot: comment width, docstrings on exported functions and classes, promises left floating, the
// length of a source file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jsdoc from 'eslint-plugin-jsdoc';

/** Exported functions, arrow functions and classes need a /** docstring *\/ (constructors and accessors do not). */
const requireDocstring = {
  publicOnly: { esm: true },
  require: { FunctionDeclaration: true, ClassDeclaration: true, ArrowFunctionExpression: true },
  checkConstructors: false,
  checkGetters: false,
  checkSetters: false,
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.test-build/', 'tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test runs every test()/describe()/it() it is given; their promises need no await.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
  {
    // The launcher is CommonJS on purpose (bin/package.json): no ES-module loader at start.
    files: ['bin/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        process: 'readonly',
        module: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests match terminal output, ANSI escapes and aligned columns included.
      'no-control-regex': 'off',
      'no-regex-spaces': 'off',
      // `let x!: T` assigned once inside a fake's callback is clearer than a holder object.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // JSON payloads read back from the program (MQTT discovery, API answers) are inspected field by field.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Code lines are Prettier's (printWidth 120); comments it does not wrap, so their width is checked here.
    rules: { 'max-len': ['error', { code: 1000, comments: 120, ignoreUrls: true }] },
  },
  {
    // Every exported function and class says what it takes, returns and throws; a source file holds one concept
    // in at most 300 lines (after Prettier).
    files: ['src/**/*.ts'],
    plugins: { jsdoc },
    rules: { 'jsdoc/require-jsdoc': ['error', requireDocstring], 'max-lines': ['error', { max: 300 }] },
  },
);
