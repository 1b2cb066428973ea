/**
 * What `up` and `destroy` share: the run folder, the dry run, the lock, the review, and handing the plan to the
 * runner. A run holds its environment's lock only: it synthesizes and plans in its own folder (paths.ts synthDir),
 * so runs of different environments never wait on each other; Terraform's state lock orders the shared stacks.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { rerunCommand, resumeCommand } from '../args';
import { Context, EnvContext, lockRequest, now, printError } from '../context';
import { describePlan } from '../plan/dry-run';
import { EXIT_OK, EXIT_USAGE } from '../../lib/exit-codes';
import { displayPath } from '../format';
import { runGate } from '../google-gate';
import type { Lock } from '../lock';
import { preflightTask } from '../plan/build';
import { DESTROY_STEPS, Plan, PlannedStep, UP_STEPS } from '../plan/steps';
import type { PlanContext } from '../plan/tools';
import { checkPrerequisites, describeProblems, problemCount } from '../preflight';
import { runPlan } from './run-plan';
import { newRunDir, readState, takeEnvLock, updateState } from '../state';
import { preflightInput, runTask } from '../tasks/tasks';
import { plannedStacks, reviewUp } from '../review/up-review';

/** A config that does not validate: for up/destroy still list every other missing prerequisite, then stop. */
export async function configBroken(ctx: Context, message: string): Promise<number> {
  const { deps, args, errStyle } = ctx;
  if ((args.command === 'up' || args.command === 'destroy') && !args.dryRun) {
    const task = preflightTask(args.command === 'up' ? UP_STEPS : DESTROY_STEPS);
    const findings = await checkPrerequisites(
      preflightInput(ctx, task, { ok: false, error: message }),
    );
    const problems = describeProblems(findings).map((l) => `  ${l}\n`);
    deps.stderr.write(
      `${errStyle.red(`preflight: ${problemCount(findings)}`)}\n${problems.join('')}`,
    );
  } else {
    printError(ctx, message);
  }
  return EXIT_USAGE;
}

/** `--from`/`--only` continue in the last run folder of the same command, so earlier steps' files are there. */
function chooseRunDir(ctx: EnvContext): { dir: string; resumed: boolean } {
  const { args, env } = ctx;
  const command = args.command as 'up' | 'destroy';
  if (args.from !== undefined || args.only !== undefined) {
    const last = readState(ctx.runBase, env.name).lastRun?.[command];
    if (last !== undefined && existsSync(last)) return { dir: last, resumed: true };
  }
  return { dir: newRunDir(ctx.runBase, env.name, command, now(ctx)), resumed: false };
}

/** --dry-run: the plan, the config's notes, and (up) the review that comes before any step. */
function dryRun(ctx: EnvContext, plan: Plan, resumed: boolean): number {
  const { stdout } = ctx.deps;
  stdout.write(describePlan(plan, ctx.deps.root, resumed));
  for (const warning of ctx.warnings) stdout.write(`note: ${warning}\n`);
  const stacks = plannedStacks(plan);
  const saved = ctx.args.savedPlan;
  if (plan.command === 'up' && stacks.length > 0 && saved !== undefined) {
    stdout.write(
      `before any step: cdktf synth; per stack terraform init and state pull, checked against ${saved}/saved-plans.json ` +
        `(config, providers, Terraform, state: stale → exit 5, nothing applied); show -json of the saved plans; the summary; approval\n`,
    );
  } else if (plan.command === 'up' && stacks.length > 0) {
    stdout.write(
      `before any step: cdktf synth, then terraform init, plan -out and show -json of ${stacks.join(', ')}; the summary; approval ` +
        `(a terminal answers, or --auto-approve; nothing is applied that was not shown)\n`,
    );
  }
  return EXIT_OK;
}

/** The environment's lock; a note when it was a stale one taken over. */
function takeLock(ctx: EnvContext): Lock {
  const lock = takeEnvLock(lockRequest(ctx));
  const r = lock.replaced;
  if (r !== undefined)
    ctx.deps.stderr.write(
      `note: took over a stale lock ${displayPath(lock.path, ctx.deps.root)} (pid ${r.pid}, ${r.command}, started ${r.startedAt}: that process is gone)\n`,
    );
  return lock;
}

/**
 * Builds the command's plan in its run folder; --dry-run describes it, else it runs under its locks once reviewed
 * (review/up-review.ts). `onStepDone` records what a successful step leaves in the run state.
 */
export async function runCommand(
  ctx: EnvContext,
  build: (paths: PlanContext) => Plan,
  onStepDone: (step: PlannedStep, runDir: string) => void,
): Promise<number> {
  const { deps, args, env } = ctx;
  const { dir, resumed } = chooseRunDir(ctx);
  const plan = build({ root: deps.root, runDir: dir, cdktf: ctx.cdktf, node: process.execPath });
  if (args.dryRun) return dryRun(ctx, plan, resumed);
  const refused = await runGate(ctx, plan);
  if (refused !== undefined) return refused;
  const lock = takeLock(ctx);
  const started = Date.now();
  try {
    mkdirSync(dir, { recursive: true });
    updateState(ctx.runBase, env.name, (s) => ({
      ...s,
      lastRun: { ...s.lastRun, [args.command]: dir },
    }));
    const reviewed = await reviewUp(ctx, plan);
    if (typeof reviewed === 'number') return reviewed;
    if (resumed)
      deps.stdout.write(
        `continuing in the last run folder (--${args.from !== undefined ? 'from' : 'only'})\n`,
      );
    return await runPlan(reviewed, {
      out: deps.stdout,
      err: deps.stderr,
      style: ctx.style,
      root: deps.root,
      verbose: args.verbose,
      // Preflight fails before anything ran: the fix is to run the same command again.
      resumeCommand: (step) =>
        step === 'preflight' ? rerunCommand(args, env.name) : resumeCommand(args, env.name, step),
      runTask: (task, taskCtx) => runTask(ctx, task, taskCtx),
      onStepDone: (step) => onStepDone(step, dir),
      exec: ctx.exec,
      started,
    });
  } finally {
    lock.release();
  }
}
