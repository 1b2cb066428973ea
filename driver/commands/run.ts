/**
 * What `up` and `destroy` share: the dry run, the locks, the run folder, and handing the plan to the runner.
 * A run holds its environment's lock; a run with a cdktf step also holds the project-wide cdktf lock (cdktf
 * synthesizes the whole app into cdktf.out/, and the backend's state may be local), taken before anything runs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { rerunCommand, resumeCommand } from '../args';
import { INVOCATION } from '../usage';
import { Context, EnvContext, now } from '../context';
import { sharesProjectState, describePlan } from '../dry-run';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes';
import { displayPath } from '../format';
import { acquireLock, Lock } from '../lock';
import { preflightTask } from '../plan/build';
import { DESTROY_STEPS, Plan, PlannedStep, UP_STEPS } from '../plan/steps';
import { checkPrerequisites, describeProblems, problemCount } from '../preflight';
import { runPlan } from '../runner/run-plan';
import { cdktfLockPath, CDKTF_LOCK_WHY, envLockPath, newRunDir, readState, updateState } from '../state';
import { preflightInput, runTask } from '../tasks';

/** A config that does not validate: for up/destroy still list every other missing prerequisite, then stop. */
export async function configBroken(ctx: Context, message: string): Promise<number> {
  const { deps, args, errStyle } = ctx;
  if ((args.command === 'up' || args.command === 'destroy') && !args.dryRun) {
    const task = preflightTask(args.command === 'up' ? UP_STEPS : DESTROY_STEPS);
    const findings = await checkPrerequisites(preflightInput(ctx, task, { ok: false, error: message }));
    const problems = describeProblems(findings).map((l) => `  ${l}\n`);
    deps.stderr.write(`${errStyle.red(`preflight: ${problemCount(findings)}`)}\n${problems.join('')}`);
  } else {
    deps.stderr.write(`${errStyle.red('error:')} ${message}\n`);
  }
  return EXIT_USAGE;
}

/** `--from`/`--only` continue in the last run folder of the same command, so earlier steps' files are there. */
export function chooseRunDir(ctx: EnvContext): { dir: string; resumed: boolean } {
  const { args, env } = ctx;
  const command = args.command as 'up' | 'destroy';
  if (args.from !== undefined || args.only !== undefined) {
    const last = readState(ctx.runBase, env.name).lastRun?.[command];
    if (last !== undefined && existsSync(last)) return { dir: last, resumed: true };
  }
  return { dir: newRunDir(ctx.runBase, env.name, command, now(ctx)), resumed: false };
}

/** --dry-run: the plan and the config's notes. */
export function dryRun(ctx: EnvContext, plan: Plan, resumed: boolean): number {
  const { stdout } = ctx.deps;
  stdout.write(describePlan(plan, ctx.deps.root, resumed));
  for (const warning of ctx.warnings) stdout.write(`note: ${warning}\n`);
  return EXIT_OK;
}

/** The environment's lock, and the cdktf lock when the plan needs it; a note for each stale lock taken over. */
function takeLocks(ctx: EnvContext, plan: Plan): Lock[] {
  const owner = `${ctx.args.command} ${ctx.env.name}`;
  const release = (what: string) => `${INVOCATION} lock release ${ctx.env.name}${what}`;
  const locks = [acquireLock(envLockPath(ctx.runBase, ctx.env.name), owner, { now: now(ctx), release: release('') })];
  try {
    if (sharesProjectState(plan)) {
      locks.push(
        acquireLock(cdktfLockPath(ctx.deps.root), owner, {
          now: now(ctx),
          why: CDKTF_LOCK_WHY,
          release: release(' (it also releases the cdktf lock its runs took)'),
        }),
      );
    }
  } catch (error) {
    locks[0].release();
    throw error;
  }
  for (const { replaced: r, path } of locks) {
    if (r === undefined) continue;
    ctx.deps.stderr.write(
      `note: took over a stale lock ${displayPath(path, ctx.deps.root)} (pid ${r.pid}, ${r.command}, started ${r.startedAt}: that process is gone)\n`,
    );
  }
  return locks;
}

/** Runs the plan under its locks; `onStepDone` records what a successful step leaves in the run state. */
export async function runLocked(
  ctx: EnvContext,
  plan: Plan,
  resumed: boolean,
  onStepDone?: (step: PlannedStep) => void,
  review?: (plan: Plan) => Promise<Plan | number>,
): Promise<number> {
  const { deps, args, env } = ctx;
  const locks = takeLocks(ctx, plan);
  try {
    mkdirSync(plan.runDir, { recursive: true });
    updateState(ctx.runBase, env.name, (s) => ({ ...s, lastRun: { ...s.lastRun, [args.command]: plan.runDir } }));
    // What will change is shown and approved before anything runs (up: commands/up-review.ts).
    const reviewed = review === undefined ? plan : await review(plan);
    if (typeof reviewed === 'number') return reviewed;
    plan = reviewed;
    if (resumed)
      deps.stdout.write(`continuing in the last run folder (--${args.from !== undefined ? 'from' : 'only'})\n`);
    return await runPlan(plan, {
      ...{
        out: deps.stdout,
        err: deps.stderr,
        style: ctx.style,
        env: deps.env,
        root: deps.root,
        verbose: args.verbose,
      },
      // Preflight fails before anything ran: the fix is to run the same command again.
      resumeCommand: (step) =>
        step === 'preflight' ? rerunCommand(args, env.name) : resumeCommand(args, env.name, step),
      runTask: (task, taskCtx) => runTask(ctx, task, taskCtx),
      onStepDone,
      signals: deps.signals ?? process,
    });
  } finally {
    for (const lock of locks.reverse()) lock.release();
  }
}
