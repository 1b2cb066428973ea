/**
 * Turns a cdktf outputs file into an Ansible inventory, or renders the gcp_compute inventory of an environment.
 *
 *   npm run -s inventory -- --outputs <outputs.json> --stack <env> [--out <inventory.yml>]
 *   npm run -s inventory -- --gcp <env> [--out ansible/inventory/<env>.gcp.yml]
 *
 * Without --out the inventory goes to stdout. With --out it is written atomically (temp file in the
 * same directory, then rename). On bad input: one line on stderr, exit 1; on bad usage: exit 2.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs as parse } from 'node:util';
import { parseStackOutputs } from '../../stacks/outputs-parser';
import { GCP_TEMPLATE, renderGcpInventory, renderInventory } from './inventory';
import { readOutputs, writeAtomically } from './inventory-file';

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
