/**
 * Plans of the stacks a command touches: `cdktf synth`, then per stack `terraform init`, `plan -out` (saved in the
 * run folder) and `show -json`, summarized by review/plan. Used by `plan <env>` and by `up` before it applies.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { renderPlanMarkdown, renderPlanText } from '../../review/plan/render';
import { PlanFormatError, StackPlanSummary, summarizePlan } from '../../review/plan/summary';
import { BACKEND_STACK } from '../../lib/constants';
import { EnvContext, printError } from '../context';
import { EXIT_FAILED } from '../../lib/exit-codes';
import { commandLine, displayPath, formatDuration } from '../format';
import type { ExecStep } from '../plan/steps';
import { backendStateConfig, instanceAddress, planCalls, TERRAFORM_ENV } from '../plan/terraform';
import { pluginCacheDir, synthDir } from '../paths';
import { unknownMessage } from '../../lib/cli/suggest';
import { UsageError } from '../usage';
import { managedRelease, releaseVarArgs } from '../managed/releases';
import { rerunCommand } from '../args';
import { loginCause } from '../login-errors';
import { cleanTail, logText } from '../runner/log';
import { startProgress } from '../runner/progress';
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

/** One planning: the command's context and its log; `progress`: each call's line on stdout (up, destroy). */
export interface Planning {
  readonly ctx: EnvContext;
  readonly log: string;
  readonly progress?: boolean;
}

/** What a planning call does, for its progress line: `synth`, `backend: init`, `stage: plan`, `terraform version`. */
function callLabel({ command, args, cwd }: Call): string {
  const tool = basename(command);
  if (tool !== 'terraform') return args[0];
  const stack = dirname(cwd).endsWith(`${sep}stacks`) ? basename(cwd) : undefined;
  const verb = args[0] === 'state' ? args.slice(0, 2).join(' ') : args[0];
  return stack === undefined ? `${tool} ${verb}` : `${stack}: ${verb}`;
}

/**
 * Shows a planning call while it runs (a terminal: one line with the elapsed time, rewritten in place) and when it
 * ends (`  planning stage: plan ok 3s`); the returned function ends it. Nothing without `progress`.
 */
function showCall(p: Planning, call: Call): (ok: boolean) => void {
  if (!p.progress) return () => undefined;
  const { stdout } = p.ctx.deps;
  const { style } = p.ctx;
  const label = `  planning ${callLabel(call)}`;
  const started = Date.now();
  const live = stdout.isTTY ? startProgress(stdout, style, label, false) : undefined;
  return (ok) => {
    live?.stop();
    const took = formatDuration(Date.now() - started);
    stdout.write(`${label} ${ok ? style.green('ok') : style.red('failed')} ${took}\n`);
  };
}

/**
 * What planning's calls add to the environment: Terraform's (TERRAFORM_ENV), and a provider cache shared by the runs
 * (each run synthesizes and inits in its own folder: the providers are linked from the cache, not fetched again),
 * unless the user has one. A run's lock file is its own (never committed), so the cache may fill it: without that
 * permission Terraform 1.4+ fetches a provider again for every folder whose lock file does not list it yet.
 */
function planningEnv(ctx: EnvContext): Record<string, string> {
  if (ctx.deps.env.TF_PLUGIN_CACHE_DIR) return TERRAFORM_ENV;
  const cache = pluginCacheDir(ctx.runBase);
  mkdirSync(cache, { recursive: true });
  return {
    ...TERRAFORM_ENV,
    TF_PLUGIN_CACHE_DIR: cache,
    TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
  };
}

/** Runs one call, its output appended to the log; throws CallFailed (with the tail) or Interrupted. */
export async function run(p: Planning, { command, args, cwd }: Call): Promise<string> {
  const { ctx, log } = p;
  const line = commandLine(command, args);
  // A signal between two calls: the next one does not start.
  const before = ctx.exec.interrupted;
  if (before !== undefined) throw new Interrupted(line, before);
  appendFileSync(log, `$ ${line}\n  cwd: ${cwd}\n`);
  const shown = showCall(p, { command, args, cwd });
  const ran = await ctx.exec.run({
    command,
    args,
    cwd,
    env: planningEnv(ctx),
    output: { mode: 'capture' },
  });
  shown(ran.code === 0 && ran.interrupted === undefined);
  appendFileSync(log, `${logText(ran.output)}\nexit: ${ran.signal ?? ran.code}\n\n`);
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
  const mode = {
    destroy: ctx.args.command === 'destroy',
    replace,
    vars: stack === ctx.env.name ? managedVars(ctx) : undefined,
    backendConfig: backendConfigOf(ctx, stack),
  };
  const calls = planCalls(runDir, stack, mode);
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
 * asks for the variable on a destroy plan too, where it shapes nothing: a placeholder image by digest.
 */
function managedVars(ctx: EnvContext): string[] | undefined {
  if (ctx.env.fleet !== 'managed') return undefined;
  if (ctx.args.command === 'destroy') return releaseVarArgs(DESTROY_RELEASE);
  return releaseVarArgs(managedRelease(ctx.env, ctx.runBase, ctx.release));
}

/** What a destroy plan gives the release variable: nothing is created from it. */
const DESTROY_RELEASE = `destroy.invalid/none@sha256:${'0'.repeat(64)}`;

/** The backend stack's init argument when its state is local (backendState: 'local'); none for any other stack. */
export function backendConfigOf(ctx: EnvContext, stack: string): string | undefined {
  if (stack !== BACKEND_STACK || ctx.project.backendState !== 'local') return undefined;
  return backendStateConfig(ctx.deps.root);
}

/**
 * `cdktf synth` of the whole app (the policies run in it: stacks/app.ts) into the run's own folder
 * (`<runDir>/cdktf.out`, paths.ts), logged as planning's calls.
 */
export function synth(p: Planning, runDir: string): Promise<string> {
  const args = ['synth', '--output', synthDir(runDir)];
  return run(p, { command: p.ctx.cdktf, args, cwd: p.ctx.deps.root });
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
  progress = false,
) {
  const p = { ctx, log, progress };
  await synth(p, runDir);
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

/** The signal and the call a planning was interrupted at, or undefined for any other error. */
export function planInterruption(
  error: unknown,
): { readonly signal: Signal; readonly call: string } | undefined {
  return error instanceof Interrupted ? { signal: error.signal, call: error.message } : undefined;
}

/**
 * A failure of planStacks as one error line and its exit code (nothing was applied: the plans come first); with
 * `log`, the planning's log and the command that runs it again follow. Any other error is rethrown.
 */
export function reportPlanFailure(ctx: EnvContext, error: unknown, log?: string): number {
  const code = reportFailure(ctx, error);
  if (code === EXIT_FAILED && log !== undefined)
    ctx.deps.stderr.write(
      `  log:       ${displayPath(log, ctx.deps.root)}\n  resume:    ${rerunCommand(ctx.args, ctx.env.name)}\n`,
    );
  return code;
}

function reportFailure(ctx: EnvContext, error: unknown): number {
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
