/**
 * The inventory's files: the outputs file read (one line naming the file when it cannot be), the inventory written
 * atomically (a temp file in the same folder, then rename). The `inventory` step and inventory-cli.ts both use them.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseStackOutputs } from '../../stacks/outputs-parser';
import { renderInventory } from './inventory';

export function writeAtomically(path: string, content: string): void {
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

export function readOutputs(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read outputs file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The `inventory` step: the stack's outputs file rendered as the Ansible inventory at `out`. */
export function writeStackInventory(outputsFile: string, stack: string, out: string): void {
  writeAtomically(out, renderInventory(parseStackOutputs(readOutputs(outputsFile), stack)));
}
