/**
 * `status <env> [--json]`: the fleet view, one row per host (OS, Docker, the app's image and release, container
 * state, uptime, restarts, pending security updates, reboot, disk, whether the app answers). It runs
 * ansible/playbooks/status.yml against the inventory the `hosts` step would generate (every host at once), which
 * writes one report per host into a temporary status_dir; driver/fleet/fleet-status* parse and format them.
 *
 * Exit 0 every host reached and its app answers; 6 a host unreachable or its app not answering; 1 the status run
 * itself failed (no reports, a malformed report). `--outputs-only` is the quick view from the stack's outputs alone
 * (no SSH: the app probed from here), also shown when ansible-playbook cannot be started.
 */
import { argsFor } from '../args';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fleetStatus, FleetStatusError, HostStatus } from '../fleet/fleet-status';
import { formatFleetJson, formatFleetTable } from '../fleet/fleet-status-format';
import { alignColumns } from '../../lib/text-table';
import { hostList } from '../../stacks/outputs';
import { appTargets, frontDoor, probe } from '../tasks/check';
import { EnvContext, printError } from '../context';
import { EXIT_FAILED, EXIT_OK, EXIT_UNHEALTHY } from '../../lib/exit-codes';
import { loadOutputs } from '../outputs';
import { playbookStep } from '../plan/tools';
import { Played, playFailed, runPlay, workStep } from '../fleet/day2';
import { managedStatus } from '../managed/commands';

/** Both views' verdict over an environment without hosts: its own state, and not a healthy one (exit 6). */
const NO_HOSTS = 'no hosts: the environment has none to answer';

/** Both views' first line. */
function heading(ctx: EnvContext, hosts: number): string {
  const { env, style } = ctx;
  return `${style.bold(env.name)}: ${hosts} ${hosts === 1 ? 'host' : 'hosts'} in ${env.projectId}, app ${env.app.image}`;
}

/** `--outputs-only`: hosts, addresses, and whether the app answers from here (exit 6 when some host does not). */
async function outputsStatus(ctx: EnvContext): Promise<number> {
  const outputs = await loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  const hosts = hostList(outputs);
  const lb = frontDoor(outputs);
  const targets = appTargets(outputs, outputs.app_health_path ?? '/');
  const answers = await Promise.all(targets.map((t) => probe(t.url, 5_000)));
  const state = (i: number) => `${answers[i].ok ? 'up' : 'DOWN'}: ${answers[i].detail}`;
  const app = (i: number) => (lb ? 'behind the load balancer' : state(i));
  const rows = [
    ['HOST', 'ZONE', 'EXTERNAL IP', 'INTERNAL IP', `APP (:${outputs.app_port})`],
    ...hosts.map((h, i) => [h.name, h.zone, h.external_ip ?? '(none)', h.internal_ip, app(i)]),
    ...(lb ? [['load balancer', '', lb, '', state(0)]] : []),
  ];
  const down = answers.filter((a) => !a.ok).length;
  const verdict =
    hosts.length === 0 && !lb
      ? ctx.style.red(NO_HOSTS)
      : down === 0
        ? ctx.style.green(lb ? 'the load balancer answers' : 'all hosts answer')
        : ctx.style.red(
            lb
              ? 'the load balancer does not answer'
              : `${down} of ${answers.length} hosts do not answer`,
          );
  ctx.deps.stdout.write(
    `${heading(ctx, hosts.length)}\n${alignColumns(rows).join('\n')}\n${verdict}\n`,
  );
  return down === 0 && (hosts.length > 0 || lb) ? EXIT_OK : EXIT_UNHEALTHY;
}

/** status.yml the `hosts` step's way, writing one report per host into `<dir>/status`. */
function statusStep(ctx: EnvContext, dir: string) {
  const vars = ['-e', `status_dir=${join(dir, 'status')}`];
  return workStep(ctx, dir, (plan) => playbookStep(plan, ctx.env, 'status.yml', { vars }));
}

function printFleet(ctx: EnvContext, rows: readonly HostStatus[]): number {
  const { deps, style } = ctx;
  const bad = rows.filter((r) => !r.reachable || r.error !== null || !r.appAnswers).length;
  const healthy = bad === 0 && rows.length > 0;
  const tail = rows.length === 0 ? style.red(NO_HOSTS) : verdictOf(style, bad, rows.length);
  deps.stdout.write(
    argsFor(ctx.args, 'status').json
      ? formatFleetJson(rows)
      : `${heading(ctx, rows.length)}\n${formatFleetTable(rows)}${tail}\n`,
  );
  return healthy ? EXIT_OK : EXIT_UNHEALTHY;
}

function verdictOf(style: EnvContext['style'], bad: number, hosts: number): string {
  return bad === 0
    ? style.green('all hosts answer')
    : style.red(`${bad} of ${hosts} hosts need attention`);
}

/** The rows of the reports the play wrote; what status exits with when there are none, or a malformed one. */
function readFleet(ctx: EnvContext, played: Played): HostStatus[] | number {
  if (Object.keys(played.outputs.hosts).length === 0) return [];
  const statusDir = join(played.dir, 'status');
  const files = existsSync(statusDir)
    ? readdirSync(statusDir).filter((f) => f.endsWith('.json'))
    : [];
  if (files.length === 0) {
    return playFailed(
      ctx,
      played,
      `the status play wrote no report (exit ${played.code}); its output: ${played.out}`,
    );
  }
  const reports = files.map((f) => [
    basename(f, '.json'),
    readFileSync(join(statusDir, f), 'utf8'),
  ]);
  try {
    return fleetStatus(Object.keys(played.outputs.hosts), Object.fromEntries(reports));
  } catch (err) {
    if (!(err instanceof FleetStatusError)) throw err;
    printError(ctx, `${err.message} (reports kept in ${statusDir})`);
    return EXIT_FAILED;
  }
}

export async function statusCommand(ctx: EnvContext): Promise<number> {
  if (ctx.env.fleet === 'managed') return managedStatus(ctx);
  if (argsFor(ctx.args, 'status').outputsOnly) return outputsStatus(ctx);
  const rows = await runPlay(ctx, 'status.log', statusStep, readFleet, async (why) => {
    printError(ctx, `could not run ansible-playbook (${why}): the outputs-only view follows`);
    return Math.max(await outputsStatus(ctx), EXIT_FAILED);
  });
  return typeof rows === 'number' ? rows : printFleet(ctx, rows);
}
