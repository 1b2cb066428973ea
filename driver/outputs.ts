/**
 * Reads what `cdktf deploy <env> --outputs-file` wrote: the hosts and their addresses, for the check step and for
 * the `env` and `status` commands. The shape and its validation are lib/inventory.ts's: one reader of the contract.
 */
import { readFileSync } from 'node:fs';
import { parseStackOutputs, StackOutputs } from '../lib/inventory';

export type { HostOutput, StackOutputs } from '../lib/inventory';

export class OutputsError extends Error {
  override name = 'OutputsError';
}

/** The outputs of `stack` in an outputs file; OutputsError (one line, naming the file) when unreadable or malformed. */
export function readStackOutputs(file: string, stack: string): StackOutputs {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OutputsError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return parseStackOutputs(JSON.parse(text) as unknown, stack);
  } catch (err) {
    throw new OutputsError(`${file}: ${(err as Error).message}`);
  }
}

/** Hosts in name order. */
export function hostList(outputs: StackOutputs) {
  return Object.keys(outputs.hosts)
    .sort()
    .map((name) => outputs.hosts[name]);
}
