/**
 * Plans of the stacks a command touches: `cdktf synth`, then per stack `terraform init`, `plan -out` (saved in the
 * run folder) and `show -json`, summarized by lib/plan. Used by `plan <env>` and by `up` before it applies.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { renderPlanMarkdown, renderPlanText } from '../lib/plan/render';
import { PlanFormatError, StackPlanSummary, summarizePlan } from '../lib/plan/summary';
import type { EnvContext } from './context';
import { printError } from './context';
import { EXIT_FAILED, EXIT_INTERRUPTED } from './exit-codes';
import { commandLine } from './format';
import { planCalls, TERRAFORM_ENV } from './plan/terraform';
import { cleanTail } from './runner/log';
import { waitingOnCtrlC } from './runner/signals';

/** A stack that could not be planned (on a first deploy: its state bucket does not exist yet). */
export interface Unplanned {
  readonly stack: string;
  readonly why: string;
}

export type StackPlan = StackPlanSummary | Unplanned;

export function isUnplanned(p: StackPlan): p is Unplanned {
  return 'why' in p;
}

export class Interrupted extends Error {}

export class CallFailed extends Error {
  constructor(
    readonly call: string,
    readonly tail: string[],
  ) {
    super(call);
  }
}

interface Call {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/** Runs one call, its output appended to the log; throws CallFailed (with the tail) or Interrupted. */
function run(ctx: EnvContext, log: string, call: Call): string {
  const line = commandLine(call.command, call.args);
  appendFileSync(log, `$ ${line}\n  cwd: ${call.cwd}\n`);
  const result = waitingOnCtrlC(ctx.deps.signals ?? process, () =>
    spawnSync(call.command, [...call.args], {
      cwd: call.cwd,
      env: { ...ctx.deps.env, ...TERRAFORM_ENV },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    }),
  );
  appendFileSync(log, `${result.stdout ?? ''}${result.stderr ?? ''}\nexit: ${result.status ?? result.signal}\n\n`);
  if (result.interrupted || result.status === 130) throw new Interrupted(line);
  if (result.error !== undefined) throw new CallFailed(`${line}: ${result.error.message}`, []);
  if (result.status !== 0) {
    const tail = cleanTail(result.stderr || result.stdout, 12);
    throw new CallFailed(`${line} (exit ${result.status ?? result.signal})`, tail);
  }
  return result.stdout;
}

/** init, plan, show of one stack: its summary, or why it could not be planned (init failed). */
function planStack(ctx: EnvContext, runDir: string, log: string, stack: string, destroy: boolean): StackPlan {
  const calls = planCalls(ctx.deps.root, runDir, stack, destroy);
  try {
    run(ctx, log, calls.init);
  } catch (error) {
    if (!(error instanceof CallFailed)) throw error;
    return { stack, why: `terraform init failed: ${error.tail[error.tail.length - 1] ?? 'see the log'}` };
  }
  run(ctx, log, calls.plan);
  return summarizePlan(stack, JSON.parse(run(ctx, log, calls.show)) as unknown);
}

/**
 * Synthesizes once, then plans each stack into `<runDir>/<stack>.tfplan` (a destroy plan for `destroy`); everything
 * Terraform said goes to `log`.
 */
export function planStacks(ctx: EnvContext, runDir: string, log: string, stacks: readonly string[]): StackPlan[] {
  run(ctx, log, { command: ctx.cdktf, args: ['synth'], cwd: ctx.deps.root });
  return stacks.map((stack) => planStack(ctx, runDir, log, stack, ctx.args.command === 'destroy'));
}

export function renderPlans(ctx: EnvContext, plans: readonly StackPlan[], format: 'text' | 'markdown'): string {
  const parts = plans.map((p) => {
    if (isUnplanned(p)) {
      return `${p.stack}: not planned (${p.why}); on a first deploy its state bucket does not exist until the backend stack is applied`;
    }
    return format === 'markdown' ? renderPlanMarkdown(p) : renderPlanText(p, { alarm: ctx.style.red });
  });
  return `${parts.join('\n')}\n`;
}

/**
 * A failure of planStacks as one error line and its exit code (nothing was applied: the plans come first); any other
 * error is not one of planning's and is rethrown.
 */
export function reportPlanFailure(ctx: EnvContext, error: unknown): number {
  const env = ctx.env.name;
  if (error instanceof Interrupted) {
    printError(ctx, `interrupted during ${error.message}: nothing was applied, the lock is released`);
    return EXIT_INTERRUPTED;
  }
  if (error instanceof CallFailed) {
    printError(ctx, `plan of ${env} failed: ${error.call}${error.tail.map((l) => `\n  | ${l}`).join('')}`);
    return EXIT_FAILED;
  }
  if (error instanceof PlanFormatError || error instanceof SyntaxError) {
    printError(ctx, `could not read the plan of ${env}: ${error.message}`);
    return EXIT_FAILED;
  }
  throw error;
}
