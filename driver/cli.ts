/**
 * Entry point: `npm run pipeline -- [command] <env> [options]` runs `node scripts/run-app.cjs driver/cli.ts`.
 * Wires the process (argv, environment, streams, signals, the terminal) to main(). See driver/README.md.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ask, PromptCancelled } from '../lib/prompt';
import { EXIT_INTERNAL, EXIT_INTERRUPTED } from './exit-codes';
import { main } from './main';

/**
 * The repository root: the nearest folder holding cdktf.json, above this script (as started: npm may run a
 * cached bundle of it, see scripts/run-app.cjs), this module, or the working directory.
 */
function findRoot(): string {
  for (const start of [process.argv[1] && dirname(resolve(process.argv[1])), __dirname, process.cwd()]) {
    for (let dir = start; dir; dir = dirname(dir) === dir ? '' : dirname(dir)) {
      if (existsSync(join(dir, 'cdktf.json')) && existsSync(join(dir, 'config'))) return dir;
    }
  }
  return process.cwd();
}

// Once the terminal is closed (SIGHUP), writing to it fails with EIO: that must not crash the driver while it waits
// for the running tool to stop. What a step printed is in its log.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

main(process.argv.slice(2), {
  root: process.env.DOCKER_HOSTS_ROOT || findRoot(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  signals: process,
  ask: process.stdin.isTTY ? (question, abort) => ask(question, undefined, abort) : undefined,
}).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    // Prompts come before any lock is taken or step runs: there is nothing to undo.
    const cancelled = error instanceof PromptCancelled;
    process.stderr.write(
      cancelled ? `\n${error.message}\n` : `internal error: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exitCode = cancelled ? EXIT_INTERRUPTED : EXIT_INTERNAL;
  },
);
