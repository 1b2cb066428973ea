/**
 * Shows the reports that ansible/playbooks/status.yml wrote, one row per host.
 *
 *   node scripts/run-app.cjs driver/fleet/fleet-status-cli.ts --dir <status_dir> [--host <name>]... [--json]
 *
 * Hosts: each --host (those without a report show as such), else every <name>.json in the
 * directory. Exit 0 when every host was reached and its app answers, 3 when not, 1 on a malformed
 * report (one line naming host and field), 2 on bad usage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fleetStatus } from './fleet-status';
import { formatFleetJson, formatFleetTable } from './fleet-status-format';

const USAGE = 'usage: fleet-status-cli --dir <status_dir> [--host <name>]... [--json]';

function readReports(dir: string): Record<string, string> {
  const reports: Record<string, string> = {};
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.json'))
      reports[file.slice(0, -'.json'.length)] = readFileSync(join(dir, file), 'utf8');
  }
  return reports;
}

function main(argv: string[]): number {
  let values: { dir?: string; host?: string[]; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string' },
        host: { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
      strict: true,
    }));
    if (values.dir === undefined) throw new Error('--dir is required');
  } catch (err) {
    process.stderr.write(
      `fleet-status: ${err instanceof Error ? err.message : String(err)}; ${USAGE}\n`,
    );
    return 2;
  }
  try {
    const reports = readReports(values.dir);
    const rows = fleetStatus(values.host ?? Object.keys(reports), reports);
    process.stdout.write(values.json ? formatFleetJson(rows) : formatFleetTable(rows));
    return rows.every((r) => r.reachable && r.error === null && r.appAnswers) ? 0 : 3;
  } catch (err) {
    process.stderr.write(`fleet-status: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
