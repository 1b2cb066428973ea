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
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
