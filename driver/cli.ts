/**
 * Entry point: `npm run pipeline -- [command] <env> [options]` runs `node scripts/run-app.cjs driver/cli.ts`.
 * Wires the process (argv, environment, streams, signals, the terminal) to main(). See driver/README.md.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ask, PromptCancelled } from '../lib/prompt';
import { EXIT_INTERNAL, EXIT_INTERRUPTED } from './exit-codes';
import { main } from './main';

/**
 * The repository root: the nearest folder holding cdktf.json, above this script (as started: npm may run a
 * cached bundle of it, see scripts/run-app.cjs), this module, or the working directory.
 */
function findRoot(): string {
  const starts = [process.argv[1] ? dirname(resolve(process.argv[1])) : undefined, __dirname, process.cwd()];
  for (const start of starts) {
    for (let dir = start; dir !== undefined;) {
      if (existsSync(resolve(dir, 'cdktf.json')) && existsSync(resolve(dir, 'config'))) return dir;
      const parent = dirname(dir);
      dir = parent === dir ? undefined : parent;
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
  ask: process.stdin.isTTY ? (question) => ask(question) : undefined,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof PromptCancelled) {
      // Prompts come before any lock is taken or step runs: there is nothing to undo.
      process.stderr.write(`\n${error.message}\n`);
      process.exitCode = EXIT_INTERRUPTED;
      return;
    }
    process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = EXIT_INTERNAL;
  },
);
