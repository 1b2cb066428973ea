/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Half the suites wait on child processes: two workers even on a 2-core machine.
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
