/**
 * Entry point: `npm run pipeline -- [command] <env> [options]` runs `node --require esbuild-register driver/cli.ts`.
 * See driver/README.md.
 */
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { main } from './main';

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await new Promise<string>((answer) => rl.question(question, answer));
  } finally {
    rl.close();
  }
}

main(process.argv.slice(2), {
  root: resolve(__dirname, '..'),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
  ask: process.stdin.isTTY ? ask : undefined,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
