/** Entry point: `npm run review -- [env…] [--markdown]` runs `node scripts/run-app.cjs review/cli.ts`. */
import { resolve } from 'node:path';
import { EXIT_INTERNAL } from '../lib/exit-codes';
import { reviewMain } from './main';

reviewMain(process.argv.slice(2), {
  // run-app.cjs starts this as <root>/review/cli.ts.
  root: resolve(process.argv[1], '..', '..'),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
}).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = EXIT_INTERNAL;
  },
);
