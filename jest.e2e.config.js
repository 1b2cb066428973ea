/** `npm run test:e2e`: the process-level suites (*.e2e.test.ts) that `npm test` leaves out (jest.config.js). */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // They wait on child processes most of the time: two workers even on a 2-core machine.
  maxWorkers: 2,
  testMatch: ['**/*.e2e.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
