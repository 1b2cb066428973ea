/**
 * Before `up` (or `destroy`) applies anything: every stack it will apply is planned (saved plan files in the run folder), the
 * change summary and what the other steps will do are shown, and driver/review/approval decides: no changes → the
 * applies are skipped; --auto-approve → go; no terminal → refuse; else ask. Only the saved plans are applied.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { approve } from './approval';
import { hasChanges, StackPlanSummary } from '../../review/plan/summary';
import { EnvContext, printError } from '../context';
import { displayPath } from '../format';
import { activeSteps, Plan, PlannedStep, TerraformApplyTask } from '../plan/steps';
import { checkPrerequisites } from '../preflight';
import {
  isUnplanned,
  planInterruption,
  planStacks,
  renderPlans,
  reportPlanFailure,
  StackPlan,
} from './stack-plans';
import { Signal, SIGNAL_EXIT } from '../../lib/signals';
import { EXIT_STALE } from '../../lib/exit-codes';
import { preflightInput } from '../tasks/tasks';
import { loadSavedPlans, StalePlanError } from './saved-plan';

/** What `work` returned, or the signal (SIGINT, SIGTERM, SIGHUP) that came while it ran. */
type Guarded<T> = { readonly value: T } | { readonly signal: Signal };

/**
 * Runs `work` (the review's preflight, its prompt) under the executor's signal policy: a signal aborts `work`'s
 * AbortSignal (the executor's) instead of ending the driver with its locks on disk.
 */
async function guarded<T>(
  ctx: EnvContext,
  work: (abort: AbortSignal) => Promise<T>,
): Promise<Guarded<T>> {
  try {
    const value = await work(ctx.exec.signal);
    const signal = ctx.exec.interrupted;
    return signal === undefined ? { value } : { signal };
  } catch (error) {
    const signal = ctx.exec.interrupted;
    if (signal === undefined) throw error;
    return { signal };
  }
}

/** `ask`, rejected when `abort` fires (the prompt is told to close through the same signal). */
function abortable(ask: NonNullable<EnvContext['deps']['ask']>, abort: AbortSignal) {
  return (question: string) =>
    new Promise<string>((resolve, reject) => {
      const stop = () => reject(new Error('interrupted at the prompt'));
      if (abort.aborted) return stop();
      abort.addEventListener('abort', stop, { once: true });
      ask(question, abort).then(resolve, reject);
    });
}

/** A signal during the review: one line, the run folder says where it stopped, exit 128 + n (the locks go after). */
function stoppedAt(ctx: EnvContext, plan: Plan, signal: Signal, where: string): number {
  const line = `interrupted (${signal}) during the review's ${where}: nothing was applied, the locks are released`;
  writeFileSync(join(plan.runDir, 'interrupted.txt'), `${line}\n`);
  printError(ctx, line);
  return SIGNAL_EXIT[signal];
}

function applyTaskOf(step: PlannedStep): TerraformApplyTask | undefined {
  return step.kind === 'task' && step.task.type === 'terraform-apply' ? step.task : undefined;
}

/** What the steps other than the applies will do, for the summary. */
function otherSteps(ctx: EnvContext, plan: Plan): string[] {
  if (plan.command !== 'up') return [];
  const image = plan.steps.find((s) => s.name === 'image');
  const lines = [
    image?.skip === undefined
      ? `image: builds ${ctx.env.imageFamily} in ${ctx.env.projectId} (its sources changed, or it was asked for)`
      : `image: not built (${image.skip})`,
  ];
  const build = activeSteps(plan).find((s) => s.name === 'build');
  if (build !== undefined) lines.push(`build: ${build.title}`);
  const runs =
    ctx.env.app.build === undefined
      ? ctx.env.app.image
      : `${ctx.env.app.image}@<the digest pushed>`;
  if (activeSteps(plan).some((s) => s.name === 'hosts'))
    lines.push(`hosts: every host runs ${runs}`);
  return lines;
}

/** The plan with each stack's apply marked: unplanned stacks and what follows them skipped, no-change ones noted (their outputs are still read). */
function markPlan(plan: Plan, plans: readonly StackPlan[]): Plan {
  const byStack = new Map(plans.map((p) => [p.stack, p]));
  let blocked: string | undefined;
  const steps = plan.steps.map((step): PlannedStep => {
    if (step.skip !== undefined) return step;
    if (blocked !== undefined) return { ...step, skip: blocked };
    const task = applyTaskOf(step);
    const planned = task === undefined ? undefined : byStack.get(task.stack);
    if (task === undefined || planned === undefined) return step;
    if (isUnplanned(planned)) {
      blocked = `${task.stack} could not be planned (${planned.why}): ${plan.command === 'up' ? 'run up again once the backend is applied' : 'nothing to destroy there'}`;
      return { ...step, skip: blocked };
    }
    return hasChanges(planned)
      ? step
      : ({ ...step, task: { ...task, noChanges: true } } as PlannedStep);
  });
  return { ...plan, steps };
}

/** The stacks whose saved plans the run applies. */
export function plannedStacks(plan: Plan): string[] {
  return activeSteps(plan).flatMap((s) => applyTaskOf(s)?.stack ?? []);
}

/** The plans made now, or (`--plan <dir>`) the saved ones once they still match; a number is the exit code of a stop. */
async function plansToApply(
  ctx: EnvContext,
  plan: Plan,
  stacks: readonly string[],
): Promise<StackPlan[] | number> {
  const log = join(plan.runDir, 'plan.log');
  try {
    ctx.deps.stdout.write(
      `planning ${stacks.join(', ')} (log: ${displayPath(log, ctx.deps.root)})\n`,
    );
    return ctx.args.savedPlan === undefined
      ? await planStacks(ctx, plan.runDir, log, stacks, true)
      : await loadSavedPlans({ ctx, log, progress: true }, plan.runDir, stacks);
  } catch (error) {
    const stopped = planInterruption(error);
    if (stopped !== undefined)
      return stoppedAt(ctx, plan, stopped.signal, `planning (${stopped.call})`);
    if (!(error instanceof StalePlanError)) return reportPlanFailure(ctx, error, log);
    printError(ctx, error.message);
    return EXIT_STALE;
  }
}

/** Plans, shows and asks; the plan to run (its applies marked by markPlan), or the exit code of a stop. */
export async function reviewUp(ctx: EnvContext, plan: Plan): Promise<Plan | number> {
  const { deps, args, env } = ctx;
  const stacks = plannedStacks(plan);
  if (stacks.length === 0) return plan;
  const pre = plan.steps[0];
  if (pre.kind === 'task' && pre.task.type === 'preflight') {
    const input = preflightInput(ctx, pre.task, { ok: true, value: env });
    const checked = await guarded(ctx, () => checkPrerequisites(input));
    if ('signal' in checked) return stoppedAt(ctx, plan, checked.signal, 'preflight');
    if (checked.value.some((f) => !f.ok)) return plan; // the run's preflight step reports them and stops
  }
  const plans = await plansToApply(ctx, plan, stacks);
  if (typeof plans === 'number') return plans;
  const where = displayPath(plan.runDir, deps.root);
  const others = otherSteps(ctx, plan).map((l) => `${l}\n`);
  deps.stdout.write(
    `\nChanges to ${env.name} (saved plans in ${where}):\n${renderPlans(ctx, plans, 'text')}`,
  );
  deps.stdout.write(`${others.join('')}\n`);
  const summaries = plans.filter((p): p is StackPlanSummary => !isUnplanned(p));
  // destroy's --yes is its --auto-approve.
  const autoApprove = args.autoApprove || (plan.command === 'destroy' && args.yes);
  const input = { environment: env.name, summaries, interactive: true, autoApprove };
  const asked = await guarded(ctx, (abort) =>
    approve(input, deps.ask && abortable(deps.ask, abort)),
  );
  if ('signal' in asked) return stoppedAt(ctx, plan, asked.signal, 'approval prompt');
  const outcome = asked.value;
  const refused = !outcome.apply && summaries.some(hasChanges);
  if (outcome.message !== undefined)
    (refused ? deps.stderr : deps.stdout).write(`${outcome.message}\n`);
  return refused ? outcome.exitCode : markPlan(plan, plans);
}
