/**
 * Plans of the stacks a command touches: `cdktf synth`, then per stack `terraform init`, `plan -out` (saved in the
 * run folder) and `show -json`, summarized by review/plan. Used by `plan <env>` and by `up` before it applies.
 */
import { appendFileSync } from 'node:fs';
import { renderPlanMarkdown, renderPlanText } from '../../review/plan/render';
import { PlanFormatError, StackPlanSummary, summarizePlan } from '../../review/plan/summary';
import { BACKEND_STACK } from '../../lib/constants';
import { EnvContext, printError } from '../context';
import { EXIT_FAILED } from '../../lib/exit-codes';
import { commandLine, displayPath } from '../format';
import type { ExecStep } from '../plan/steps';
import { instanceAddress, planCalls, TERRAFORM_ENV } from '../plan/terraform';
import { unknownMessage } from '../../lib/cli/suggest';
import { UsageError } from '../usage';
import { managedRelease, readReleaseLog, releaseVarArgs } from '../managed/releases';
import { loginCause } from '../login-errors';
import { cleanTail } from '../runner/log';
import { Signal, SIGNAL_EXIT } from '../../lib/signals';

/** A stack that could not be planned (on a first deploy: its state bucket does not exist yet). */
export type StackPlan = StackPlanSummary | { readonly stack: string; readonly why: string };

export function isUnplanned(p: StackPlan): p is Exclude<StackPlan, StackPlanSummary> {
  return 'why' in p;
}

type Call = Pick<ExecStep, 'command' | 'args' | 'cwd'>;

class Interrupted extends Error {
  constructor(
    message: string,
    readonly signal: Signal,
  ) {
    super(message);
  }
}

class CallFailed extends Error {
  constructor(
    readonly call: string,
    readonly tail: string[],
    readonly output = '',
  ) {
    super(call);
  }
}

/**
 * Terraform's gcs backend when the state bucket is not there: on a first deploy the backend stack creates it, so the
 * stacks whose state lives in it wait for that. Any other failure of init (no provider, no network, no credentials)
 * stops the plan.
 */
const NO_BUCKET = /storage: bucket doesn't exist/;

/** One planning: the command's context and its log. */
export interface Planning {
  readonly ctx: EnvContext;
  readonly log: string;
}

/** Runs one call, its output appended to the log; throws CallFailed (with the tail) or Interrupted. */
export async function run({ ctx, log }: Planning, { command, args, cwd }: Call): Promise<string> {
  const line = commandLine(command, args);
  // A signal between two calls: the next one does not start.
  const before = ctx.exec.interrupted;
  if (before !== undefined) throw new Interrupted(line, before);
  appendFileSync(log, `$ ${line}\n  cwd: ${cwd}\n`);
  const ran = await ctx.exec.run({
    command,
    args,
    cwd,
    env: TERRAFORM_ENV,
    output: { mode: 'capture' },
  });
  appendFileSync(log, `${ran.output}\nexit: ${ran.signal ?? ran.code}\n\n`);
  const signal = ran.interrupted ?? (ran.code === 130 ? 'SIGINT' : undefined);
  if (signal !== undefined) throw new Interrupted(line, signal);
  if (ran.error !== undefined) throw new CallFailed(`${line}: ${ran.error.message}`, []);
  if (ran.code !== 0)
    throw new CallFailed(
      `${line} in ${displayPath(cwd, ctx.deps.root)} (exit ${ran.signal ?? ran.code})`,
      cleanTail(ran.stderr || ran.stdout, 12),
      ran.output,
    );
  return ran.stdout;
}

/** init, plan, show of one stack: its summary, or why it cannot be planned yet (its state bucket is to come). */
async function planStack(p: Planning, runDir: string, stack: string): Promise<StackPlan> {
  const { ctx } = p;
  const replace = stack === ctx.env.name ? replaceTarget(ctx) : undefined;
  const vars = stack === ctx.env.name ? managedVars(ctx) : undefined;
  const mode = { destroy: ctx.args.command === 'destroy', replace, vars };
  const calls = planCalls(ctx.deps.root, runDir, stack, mode);
  try {
    await run(p, calls.init);
  } catch (error) {
    const missing = error instanceof CallFailed ? NO_BUCKET.exec(error.output) : null;
    if (missing === null || stack === BACKEND_STACK) throw error;
    return { stack, why: `terraform init failed: ${missing[0]}` };
  }
  await run(p, calls.plan);
  return summarizePlan(stack, JSON.parse(await run(p, calls.show)) as unknown);
}

/**
 * A managed fleet's stack is planned with its release (`-var release_image=…`); a fixed fleet's with none. Terraform
 * asks for the variable on a destroy plan too, where it shapes nothing: the last release, or any image by digest.
 */
function managedVars(ctx: EnvContext): string[] | undefined {
  if (ctx.env.fleet !== 'managed') return undefined;
  if (ctx.args.command !== 'destroy')
    return releaseVarArgs(managedRelease(ctx.env, ctx.runBase, ctx.release));
  const last = readReleaseLog(ctx.runBase, ctx.env.name).at(-1)?.image;
  return releaseVarArgs(last ?? DESTROY_RELEASE);
}

/** What a destroy plan gives the release variable when no release was recorded: nothing is created from it. */
const DESTROY_RELEASE = `destroy.invalid/none@sha256:${'0'.repeat(64)}`;

/** `cdktf synth` of the whole app into cdktf.out/ (the policies run in it: stacks/app.ts), logged as planning's calls. */
export function synth(p: Planning): Promise<string> {
  return run(p, { command: p.ctx.cdktf, args: ['synth'], cwd: p.ctx.deps.root });
}

/** `--replace <host>`: the address of that host's instance; a host the environment does not have is a UsageError. */
export function replaceTarget(ctx: EnvContext): string | undefined {
  const host = ctx.args.replace;
  if (host === undefined) return undefined;
  if (!ctx.env.hostNames.includes(host))
    throw new UsageError(
      `--replace: ${unknownMessage(`host of ${ctx.env.name}`, host, ctx.env.hostNames)}`,
    );
  return instanceAddress(host);
}

/**
 * Synthesizes once, then plans each stack into `<runDir>/<stack>.tfplan` (a destroy plan for `destroy`); everything
 * Terraform said goes to `log`. Each call runs in its own process group, as a step's child: Ctrl-C (SIGTERM, SIGHUP)
 * reaches the driver, which forwards it once, waits for the call to stop, and plans nothing more.
 */
export async function planStacks(
  ctx: EnvContext,
  runDir: string,
  log: string,
  stacks: readonly string[],
) {
  const p = { ctx, log };
  await synth(p);
  const plans: StackPlan[] = [];
  for (const stack of stacks) plans.push(await planStack(p, runDir, stack));
  return plans;
}

export function renderPlans(
  ctx: EnvContext,
  plans: readonly StackPlan[],
  format: 'text' | 'markdown',
): string {
  const parts = plans.map((p) => {
    if (isUnplanned(p)) {
      return `${p.stack}: not planned (${p.why}); on a first deploy its state bucket does not exist until the backend stack is applied`;
    }
    return format === 'markdown'
      ? renderPlanMarkdown(p)
      : renderPlanText(p, { alarm: ctx.style.red });
  });
  return `${parts.join('\n')}\n`;
}

/**
 * A failure of planStacks as one error line and its exit code (nothing was applied: the plans come first); any other
 * error is not one of planning's and is rethrown.
 */
/** The signal and the call a planning was interrupted at, or undefined for any other error. */
export function planInterruption(
  error: unknown,
): { readonly signal: Signal; readonly call: string } | undefined {
  return error instanceof Interrupted ? { signal: error.signal, call: error.message } : undefined;
}

export function reportPlanFailure(ctx: EnvContext, error: unknown): number {
  const env = ctx.env.name;
  if (error instanceof Interrupted) {
    printError(
      ctx,
      `interrupted during ${error.message}: nothing was applied, the lock is released`,
    );
    return SIGNAL_EXIT[error.signal];
  }
  if (error instanceof CallFailed) {
    // A missing or expired login first, with its fix; then the command and the tail of its output.
    const cause = loginCause(error.output);
    const head = cause === undefined ? error.call : `${cause}\n  command: ${error.call}`;
    printError(
      ctx,
      `${ctx.args.command === 'validate' ? 'validate' : 'plan'} of ${env} failed: ${head}${error.tail.map((l) => `\n  | ${l}`).join('')}`,
    );
    return EXIT_FAILED;
  }
  if (error instanceof PlanFormatError || error instanceof SyntaxError) {
    printError(ctx, `could not read the plan of ${env}: ${error.message}`);
    return EXIT_FAILED;
  }
  throw error;
}
