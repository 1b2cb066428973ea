/**
 * Turns a cdktf outputs file into an Ansible inventory, or renders the gcp_compute inventory of an environment.
 *
 *   npm run -s inventory -- --outputs <outputs.json> --stack <env> [--out <inventory.yml>]
 *   npm run -s inventory -- --gcp <env> [--out ansible/inventory/<env>.gcp.yml]
 *
 * Without --out the inventory goes to stdout. With --out it is written atomically (temp file in the
 * same directory, then rename). On bad input: one line on stderr, exit 1; on bad usage: exit 2.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs as parse } from 'node:util';
import { parseStackOutputs } from '../../stacks/outputs-parser';
import { GCP_TEMPLATE, renderGcpInventory, renderInventory } from './inventory';

const USAGE =
  'usage: inventory-cli --outputs <outputs.json> --stack <env> [--out <inventory.yml>] | --gcp <env> [--out <file>]';

type Args = { outputs: string; stack: string; out?: string } | { gcp: string; out?: string };

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  let values;
  try {
    values = parse({
      args: argv,
      options: {
        outputs: { type: 'string' },
        stack: { type: 'string' },
        gcp: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; ${USAGE}`);
  }
  const { outputs, stack, gcp, out, help } = values;
  if (help || out === '') throw new UsageError(USAGE);
  if (gcp !== undefined && outputs === undefined && stack === undefined) return { gcp, out };
  if (!outputs || !stack || gcp !== undefined) throw new UsageError(USAGE);
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

function readOutputs(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read outputs file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function render(args: Args): string {
  if ('gcp' in args) {
    // This file runs as <root>/driver/inventory/inventory-cli.ts (scripts/run-app.cjs sets argv[1] so).
    const root = resolve(dirname(process.argv[1]), '..', '..');
    return renderGcpInventory(readFileSync(join(root, GCP_TEMPLATE), 'utf8'), args.gcp);
  }
  return renderInventory(parseStackOutputs(readOutputs(args.outputs), args.stack));
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
    const inventory = render(args);
    if (args.out === undefined) process.stdout.write(inventory);
    else writeAtomically(args.out, inventory);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`inventory: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
