import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers, lowest first: a folder imports only folders before it (and packages). `lib` holds leaves that import
 * nothing of the project; `constructs`, `stacks`, `policies` and `review` never import `driver`. Cycles are caught by
 * scripts/import-cycles.cjs (npm run lint), which reads the imports the way this rule does not: across files.
 */
const LAYERS = ['lib', 'config', 'constructs', 'policies', 'stacks', 'review', 'driver'];

/**
 * Only the executor (driver/exec/) starts the driver's processes, git's reads included: every child goes through one
 * place. review/base.ts is the review's own git worktree and synth (the review never imports the driver).
 */
const SPAWNERS = ['driver/exec/**', 'review/base.ts'];
const NO_CHILD_PROCESS = ['node:child_process', 'child_process'].map((name) => ({
  name,
  message:
    'children are started by the executor (driver/exec/) only: take it from the command context',
}));

/** Code outside test/ never imports test code: what both need lives in a shared place (scripts/terraform/). */
const NO_TEST_IMPORTS = {
  regex: '^(\\.\\.?/)+test(/|$)',
  message: 'production and CI code never import test/: move what both need to a shared place',
};

/** What a file of `folder` may not import: for lib anything of the project, else every layer above it, and test/. */
function layerPatterns(folder) {
  if (folder === 'lib')
    return [{ regex: '^\\.', message: 'lib/ holds leaves: it imports nothing of the project' }];
  const above = LAYERS.slice(LAYERS.indexOf(folder) + 1);
  if (above.length === 0) return [NO_TEST_IMPORTS];
  const message = `${folder}/ is below ${above.join(', ')}: it never imports them (docs/architecture.md, layers)`;
  return [{ regex: `^(\\.\\.?/)+(${above.join('|')})(/|$)`, message }, NO_TEST_IMPORTS];
}

function layerRule(folder, allowChildProcess) {
  const options = {
    paths: allowChildProcess ? [] : NO_CHILD_PROCESS,
    patterns: layerPatterns(folder),
  };
  if (options.paths.length === 0 && options.patterns.length === 0) return 'off';
  return ['error', options];
}

function layerBlocks() {
  return LAYERS.flatMap((folder) => [
    { files: [`${folder}/**/*.ts`], rules: { 'no-restricted-imports': layerRule(folder, false) } },
    {
      files: SPAWNERS.filter((glob) => glob.startsWith(`${folder}/`)),
      rules: { 'no-restricted-imports': layerRule(folder, true) },
    },
  ]).filter((block) => block.files.length > 0);
}

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', '.run/', 'dist/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    // One job per function: blank lines and comments not counted. Tests are exempt (a describe block is long). No
    // limit per file: a file is as long as its one job. No packing idioms.
    files: ['**/*.ts'],
    ignores: ['test/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      // No packing: a comma chain is statements, a literal spread into a literal is its items.
      'no-sequences': ['error', { allowInParentheses: false }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectExpression > SpreadElement > ObjectExpression',
          message:
            'write the properties in the object: a literal spread into a literal only saves lines',
        },
        {
          selector: 'ArrayExpression > SpreadElement > ArrayExpression',
          message: 'write the items in the array: a literal spread into a literal only saves lines',
        },
      ],
    },
  },
  {
    // Outside the layers (main.ts, scripts/, bin/): no test/ imports either. The layer blocks below repeat it.
    files: ['**/*.ts'],
    ignores: ['test/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TEST_IMPORTS] }] },
  },
  ...layerBlocks(),
  {
    files: ['test/**/*.ts', 'scripts/terraform/**/*.ts'],
    rules: {
      // Tests (and the Terraform tier's shared helpers) read synthesized JSON, whose shape is asserted, not typed.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
