/**
 * `status <env> [--json]`: the fleet view, one row per host (OS, Docker, the app's image and release, container
 * state, uptime, restarts, pending security updates, reboot, disk, whether the app answers). It runs
 * ansible/playbooks/status.yml against the inventory the `hosts` step would generate (every host at once), which
 * writes one report per host into a temporary status_dir; lib/fleet-status* parse and format them.
 *
 * Exit 0 every host reached and its app answers; 6 a host unreachable or its app not answering; 1 the status run
 * itself failed (no reports, a malformed report). `--outputs-only` is the quick view without SSH
 * (status-outputs.ts), also shown when ansible-playbook cannot be started.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fleetStatus, FleetStatusError, HostStatus } from '../../lib/fleet-status';
import { formatFleetJson, formatFleetTable } from '../../lib/fleet-status-format';
import { cleanTail } from '../runner/log';
import { EnvContext, printError } from '../context';
import { EXIT_FAILED, EXIT_OK, EXIT_UNHEALTHY } from '../exit-codes';
import { loadOutputs } from '../outputs';
import type { ExecStep } from '../plan/steps';
import { makeWorkDir, playStep, noteRunningChange, runToFiles, WorkDir } from './day2';
import { outputsStatus } from './status-outputs';

/** status.yml the `hosts` step's way, writing one report per host into `statusDir`. */
function statusStep(ctx: EnvContext, work: WorkDir, statusDir: string): ExecStep {
  const step = playStep(ctx, work, 'status.yml', ['-e', `status_dir=${statusDir}`]);
  return { ...step, title: `status of ${ctx.env.name} hosts` };
}

/** `<host>.json` -> its text, for every report the play wrote. */
function readReports(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const reports: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    reports[file.slice(0, -'.json'.length)] = readFileSync(join(dir, file), 'utf8');
  }
  return reports;
}

function printFleet(ctx: EnvContext, rows: readonly HostStatus[]): number {
  const { deps, style, env } = ctx;
  const bad = rows.filter((r) => !r.reachable || r.error !== null || !r.appAnswers).length;
  if (ctx.args.json) {
    deps.stdout.write(formatFleetJson(rows));
  } else {
    const head = `${style.bold(env.name)}: ${rows.length} ${rows.length === 1 ? 'host' : 'hosts'} in ${env.projectId}, app ${env.app.image}`;
    const tail =
      bad === 0 ? style.green('all hosts answer') : style.red(`${bad} of ${rows.length} hosts need attention`);
    deps.stdout.write(`${head}\n${formatFleetTable(rows)}${tail}\n`);
  }
  return bad === 0 ? EXIT_OK : EXIT_UNHEALTHY;
}

export async function statusCommand(ctx: EnvContext): Promise<number> {
  if (ctx.args.outputsOnly) return outputsStatus(ctx);
  const outputs = loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  noteRunningChange(ctx);
  const work = makeWorkDir(ctx, outputs);
  const statusDir = join(work.dir, 'status');
  const log = join(work.dir, 'status.log');
  const ran = await runToFiles(ctx, statusStep(ctx, work, statusDir), log, join(work.dir, 'status.err'));
  if (ran.interrupted) {
    printError(ctx, `status interrupted; nothing was changed (no lock was taken)`);
    rmSync(work.dir, { recursive: true, force: true });
    return ran.code;
  }
  if (ran.spawnError !== undefined) {
    printError(ctx, `could not run ansible-playbook (${ran.spawnError}): the outputs-only view follows`);
    rmSync(work.dir, { recursive: true, force: true });
    return Math.max(await outputsStatus(ctx), EXIT_FAILED);
  }
  const reports = readReports(statusDir);
  if (Object.keys(reports).length === 0) {
    const why = cleanTail(readFileSync(join(work.dir, 'status.err'), 'utf8'), 12).map((l) => `\n  | ${l}`);
    printError(ctx, `the status play wrote no report (exit ${ran.code}); its output: ${log}${why.join('')}`);
    return EXIT_FAILED;
  }
  try {
    const code = printFleet(ctx, fleetStatus(Object.keys(outputs.hosts), reports));
    rmSync(work.dir, { recursive: true, force: true });
    return code;
  } catch (err) {
    if (!(err instanceof FleetStatusError)) throw err;
    printError(ctx, `${err.message} (reports kept in ${statusDir})`);
    return EXIT_FAILED;
  }
}
