/**
 * `drift <env> [--json]`: runs the `hosts` step's site.yml in check mode with --diff (same inventory, same extra vars:
 * app vars and the registry vars from the last `up`'s registry outputs), reads the json callback's output with
 * driver/fleet/drift.ts and reports, per host, what differs from the code. Changes nothing.
 *
 * Exit 0 no drift; 7 drift found (every host checked); 6 a host could not be checked (unreachable, or a task failed
 * in check mode), whatever the others say; 1 the check itself could not run or its output was unreadable.
 */
import { argsFor } from '../args';
import { copyFileSync, existsSync } from 'node:fs';
import {
  DriftError,
  DriftReport,
  driftedHosts,
  driftExitCode,
  formatDrift,
  parseDrift,
} from '../fleet/drift';
import { writeDerived } from '../runner/derived';
import type { EnvContext } from '../context';
import { EXIT_DRIFT, EXIT_OK, EXIT_UNHEALTHY } from '../../lib/exit-codes';
import type { ExecStep } from '../plan/steps';
import { ansiblePlaybook, runFiles } from '../plan/tools';
import { INVOCATION } from '../usage';
import { readState } from '../state';
import { Played, playFailed, runPlay, workStep } from '../fleet/day2';

/** A file the last `up` left (`registryOutputs`: where the registry vars come from; `release`: its build). */
function lastRunFile(ctx: EnvContext, which: 'registryOutputs' | 'release'): string | undefined {
  const last = readState(ctx.runBase, ctx.env.name).lastRun?.up;
  const file = last === undefined ? undefined : runFiles(last)[which];
  return file !== undefined && existsSync(file) ? file : undefined;
}

/** The `hosts` step's call in check mode, its registry vars derived from the last `up`; a string when it cannot be. */
function checkStep(ctx: EnvContext, dir: string): ExecStep | string {
  const registry = lastRunFile(ctx, 'registryOutputs');
  if (registry === undefined) {
    return `drift needs the registry outputs of a finished "${INVOCATION} up ${ctx.env.name}" (none under ${ctx.runBase}/${ctx.env.name}/)`;
  }
  const files = runFiles(dir);
  copyFileSync(registry, files.registryOutputs);
  // An environment that builds its image: the image the last `up` deployed (by digest) is what the hosts should run.
  const release = ctx.env.app.build === undefined ? undefined : lastRunFile(ctx, 'release');
  if (release !== undefined) copyFileSync(release, files.release);
  const step = workStep(ctx, dir, (plan) =>
    ansiblePlaybook(plan, ctx.env, { built: release !== undefined }),
  );
  const problem = writeDerived(step.derives ?? []);
  if (problem !== undefined) return problem;
  // The json callback prints one JSON document on stdout: what driver/fleet/drift.ts reads.
  return {
    ...step,
    args: [...step.args, '--check', '--diff'],
    env: { ...step.env, ANSIBLE_STDOUT_CALLBACK: 'json' },
  };
}

/** Prints the report; what `drift` exits with for it (driver/fleet/drift.ts's 0/1/2 as the driver's codes). */
function printReport(ctx: EnvContext, report: DriftReport): number {
  const { style } = ctx;
  const code = [EXIT_OK, EXIT_UNHEALTHY, EXIT_DRIFT][driftExitCode(report)];
  const n = driftedHosts(report).length;
  const summary =
    code === EXIT_UNHEALTHY
      ? style.red('some hosts could not be checked')
      : n === 0
        ? style.green(`no drift on ${report.hosts.length} hosts`)
        : style.red(
            `drift on ${n} of ${report.hosts.length} hosts: "${INVOCATION} up ${ctx.env.name}" puts them back`,
          );
  ctx.deps.stdout.write(
    argsFor(ctx.args, 'drift').json
      ? `${JSON.stringify(report, null, 2)}\n`
      : `${formatDrift(report)}${summary}\n`,
  );
  return code;
}

/** The json callback's output, parsed; what the check exits with when it is unreadable. */
function readCheck(ctx: EnvContext, played: Played): DriftReport | number {
  try {
    return parseDrift(JSON.parse(played.stdout) as unknown);
  } catch (err) {
    if (!(err instanceof DriftError || err instanceof SyntaxError)) throw err;
    const why = `${played.out}: ${err.message}`;
    return playFailed(
      ctx,
      played,
      `the check's output is unreadable (ansible-playbook exit ${played.code}): ${why}`,
    );
  }
}

export async function driftCommand(ctx: EnvContext): Promise<number> {
  const report = await runPlay(ctx, 'check.json', checkStep, readCheck);
  return typeof report === 'number' ? report : printReport(ctx, report);
}
