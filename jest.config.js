const { accessSync, constants } = require('node:fs');

// The tests' scratch folders (driver sandboxes and run folders, synth outdirs, lock folders) on tmpfs when the
// machine has one and TMPDIR does not say otherwise: on a disk, making and removing a sandbox costs about 30 ms, on
// /dev/shm about 2 ms, and the driver's tests make one per test. Jest's workers inherit it.
function scratchOnTmpfs() {
  if (process.env.TMPDIR) return;
  try {
    accessSync('/dev/shm', constants.W_OK);
    process.env.TMPDIR = '/dev/shm';
  } catch {
    // no tmpfs here: os.tmpdir() as it is
  }
}
scratchOnTmpfs();

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Two tiers: `npm test` runs the unit and contract tests (in process); the process-level suites (*.e2e.test.ts:
  // the driver against the fake tools, real synths, the CLIs as processes) run as `npm run test:e2e`
  // (jest.e2e.config.js), also in CI.
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  // cdktf's creation stacks of tokens, captured without jest's source mapping (see the file's comment).
  moduleNameMapper: {
    '^\\./(tokens/private/|private/)?stack-trace$': '<rootDir>/test/cdktf-stack-trace.ts',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
