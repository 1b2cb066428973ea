/**
 * Turns a cdktf outputs file into an Ansible inventory.
 *
 *   npm run -s inventory -- --outputs <outputs.json> --stack <env> [--out <inventory.yml>]
 *
 * Without --out the inventory goes to stdout. With --out it is written atomically (temp file in the
 * same directory, then rename). On bad input: one line on stderr, exit 1; on bad usage: exit 2.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs as parse } from 'node:util';
import { parseStackOutputs } from '../stacks/outputs';
import { renderInventory } from './inventory';

const USAGE = 'usage: inventory-cli --outputs <outputs.json> --stack <env> [--out <inventory.yml>]';

interface Args {
  outputs: string;
  stack: string;
  out?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  let values;
  try {
    values = parse({
      args: argv,
      options: {
        outputs: { type: 'string' },
        stack: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; ${USAGE}`);
  }
  const { outputs, stack, out, help } = values;
  if (help || !outputs || !stack || out === '') throw new UsageError(USAGE);
  return { outputs, stack, out };
}

function writeAtomically(path: string, content: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function main(argv: string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`inventory: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  try {
    let text: string;
    try {
      text = readFileSync(args.outputs, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`cannot read outputs file ${args.outputs} (${code})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${args.outputs} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const inventory = renderInventory(parseStackOutputs(json, args.stack));
    if (args.out === undefined) {
      process.stdout.write(inventory);
    } else {
      writeAtomically(args.out, inventory);
    }
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`inventory: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
