/**
 * `drift <env> [--json]`: runs the `hosts` step's site.yml in check mode with --diff (same inventory, same extra vars:
 * app vars and the registry vars from the last `up`'s registry outputs), reads the json callback's output with
 * lib/drift.ts and reports, per host, what differs from the code. Changes nothing.
 *
 * Exit 0 no drift; 7 drift found (every host checked); 6 a host could not be checked (unreachable, or a task failed
 * in check mode), whatever the others say; 1 the check itself could not run or its output was unreadable.
 */
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DriftError, DriftReport, driftedHosts, formatDrift, parseDrift } from '../../lib/drift';
import { cleanTail } from '../runner/log';
import { writeDerived } from '../runner/derived';
import { EnvContext, printError } from '../context';
import { EXIT_DRIFT, EXIT_FAILED, EXIT_OK, EXIT_UNHEALTHY } from '../exit-codes';
import { loadOutputs } from '../outputs';
import { INVOCATION } from '../usage';
import { hostsStep, lastRunFile, makeWorkDir, noteRunningChange, runToFiles, WorkDir } from './day2';

/** What `drift` exits with for a report. */
export function driftCode(report: DriftReport): number {
  if (report.hosts.some((h) => h.unreachable || h.failures.length > 0)) return EXIT_UNHEALTHY;
  return driftedHosts(report).length > 0 ? EXIT_DRIFT : EXIT_OK;
}

/** The `hosts` step's call in check mode, its registry vars derived from the last `up`; a string when it cannot be. */
function checkStep(ctx: EnvContext, work: WorkDir) {
  const registry = lastRunFile(ctx, 'registryOutputs');
  if (registry === undefined) {
    return `drift needs the registry outputs of a finished "${INVOCATION} up ${ctx.env.name}" (none under ${ctx.runBase}/${ctx.env.name}/)`;
  }
  // An environment that builds its image: the image the last `up` deployed (by digest) is what the hosts should run.
  const release = ctx.env.app.build === undefined ? undefined : lastRunFile(ctx, 'release');
  if (release !== undefined) copyFileSync(release, work.files.release);
  const step = hostsStep(ctx, work, release !== undefined);
  copyFileSync(registry, work.files.registryOutputs);
  const problem = writeDerived(step.derives ?? []);
  if (problem !== undefined) return problem;
  // The json callback prints one JSON document on stdout: what lib/drift.ts reads.
  const env = { ...step.env, ANSIBLE_STDOUT_CALLBACK: 'json' };
  return { ...step, title: `drift of ${ctx.env.name} hosts`, args: [...step.args, '--check', '--diff'], env };
}

function printReport(ctx: EnvContext, report: DriftReport): number {
  const code = driftCode(report);
  if (ctx.args.json) {
    ctx.deps.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return code;
  }
  const { style } = ctx;
  const n = driftedHosts(report).length;
  const summary =
    code === EXIT_UNHEALTHY
      ? style.red('some hosts could not be checked')
      : n === 0
        ? style.green(`no drift on ${report.hosts.length} hosts`)
        : style.red(`drift on ${n} of ${report.hosts.length} hosts: "${INVOCATION} up ${ctx.env.name}" puts them back`);
  ctx.deps.stdout.write(`${formatDrift(report)}${summary}\n`);
  return code;
}

/** The json callback's output, parsed; a one-line problem otherwise. */
function readCheck(file: string): DriftReport | string {
  try {
    return parseDrift(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  } catch (err) {
    if (err instanceof DriftError || err instanceof SyntaxError) return `${file}: ${err.message}`;
    throw err;
  }
}

export async function driftCommand(ctx: EnvContext): Promise<number> {
  const outputs = loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  noteRunningChange(ctx);
  const work = makeWorkDir(ctx, outputs);
  const step = checkStep(ctx, work);
  if (typeof step === 'string') {
    rmSync(work.dir, { recursive: true, force: true });
    printError(ctx, step);
    return EXIT_FAILED;
  }
  const out = join(work.dir, 'check.json');
  const errFile = join(work.dir, 'check.err');
  const ran = await runToFiles(ctx, step, out, errFile);
  if (ran.interrupted || ran.spawnError !== undefined) {
    rmSync(work.dir, { recursive: true, force: true });
    printError(
      ctx,
      ran.interrupted
        ? 'drift interrupted; nothing was changed (no lock was taken)'
        : `could not run ansible-playbook: ${ran.spawnError}`,
    );
    return ran.interrupted ? ran.code : EXIT_FAILED;
  }
  const report = readCheck(out);
  if (typeof report === 'string') {
    const why = cleanTail(readFileSync(errFile, 'utf8'), 12).map((l) => `\n  | ${l}`);
    printError(ctx, `the check's output is unreadable (ansible-playbook exit ${ran.code}): ${report}${why.join('')}`);
    return EXIT_FAILED;
  }
  rmSync(work.dir, { recursive: true, force: true });
  return printReport(ctx, report);
}
