/**
 * Reads what `ANSIBLE_STDOUT_CALLBACK=json ansible-playbook site.yml --check --diff` printed and
 * says, per host, what would change.
 *
 *   node scripts/run-app.cjs driver/fleet/drift-cli.ts --file <check.json> [--json]
 *
 * Exit 0 no drift, 2 drift found, 1 a host could not be checked or the file is not the json
 * callback's output (one line), 64 bad usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { driftExitCode, formatDrift, parseDrift } from './drift';

const USAGE = 'usage: drift-cli --file <check.json> [--json]';

function main(argv: string[]): number {
  let values: { file?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { file: { type: 'string' }, json: { type: 'boolean' } },
    }));
    if (values.file === undefined) throw new Error('--file is required');
  } catch (err) {
    process.stderr.write(`drift: ${err instanceof Error ? err.message : String(err)}; ${USAGE}\n`);
    return 64;
  }
  try {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(values.file, 'utf8'));
    } catch (err) {
      throw new Error(`${values.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const report = parseDrift(json);
    process.stdout.write(
      values.json ? JSON.stringify(report, null, 2) + '\n' : formatDrift(report),
    );
    return driftExitCode(report);
  } catch (err) {
    process.stderr.write(`drift: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
