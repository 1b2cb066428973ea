/**
 * `plan <env>`: what `up` would change, changing nothing. Synthesizes, then for each stack the environment
 * touches runs `terraform init`, `terraform plan -out` (the plan file stays in the run folder) and
 * `terraform show -json`, and prints the change summary of lib/plan (counts, each resource with its action,
 * why a replacement, what a lost host takes with it, exposure changes). Holds the project-wide cdktf lock.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasChanges, PlanFormatError, StackPlanSummary, summarizePlan } from '../../lib/plan/summary';
import { renderPlanMarkdown, renderPlanText } from '../../lib/plan/render';
import { EnvContext, now, printError } from '../context';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes';
import { commandLine, displayPath } from '../format';
import { acquireLock } from '../lock';
import { planCalls, stacksOf } from '../plan/terraform';
import { cleanTail } from '../runner/log';
import { cdktfLockPath, CDKTF_LOCK_WHY, newRunDir } from '../state';
import { INVOCATION } from '../usage';

/** A stack that could not be planned (on a first deploy: its state bucket does not exist yet). */
interface Unplanned {
  readonly stack: string;
  readonly why: string;
}

class Interrupted extends Error {}

class CallFailed extends Error {
  constructor(
    readonly call: string,
    readonly tail: string[],
  ) {
    super(call);
  }
}

/** Runs one call, its output appended to the log; throws CallFailed (with the tail) or Interrupted. */
function run(ctx: EnvContext, log: string, call: { command: string; args: readonly string[]; cwd: string }): string {
  const line = commandLine(call.command, call.args);
  appendFileSync(log, `$ ${line}\n  cwd: ${call.cwd}\n`);
  let interrupted = false;
  const onInt = () => void (interrupted = true);
  const signals = ctx.deps.signals ?? process;
  signals.on('SIGINT', onInt);
  try {
    const result = spawnSync(call.command, [...call.args], {
      cwd: call.cwd,
      env: { ...ctx.deps.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    appendFileSync(log, `${result.stdout ?? ''}${result.stderr ?? ''}\nexit: ${result.status ?? result.signal}\n\n`);
    if (interrupted || result.signal === 'SIGINT' || result.status === 130) throw new Interrupted(line);
    if (result.error !== undefined) throw new CallFailed(`${line}: ${result.error.message}`, []);
    if (result.status !== 0) {
      throw new CallFailed(
        `${line} (exit ${result.status ?? result.signal})`,
        cleanTail(result.stderr || result.stdout, 12),
      );
    }
    return result.stdout;
  } finally {
    signals.off('SIGINT', onInt);
  }
}

/** init, plan, show of one stack: its summary, or why it could not be planned (init failed). */
function planStack(ctx: EnvContext, runDir: string, log: string, stack: string): StackPlanSummary | Unplanned {
  const calls = planCalls(ctx.deps.root, runDir, stack);
  try {
    run(ctx, log, calls.init);
  } catch (error) {
    if (!(error instanceof CallFailed)) throw error;
    return { stack, why: `terraform init failed: ${error.tail[error.tail.length - 1] ?? 'see the log'}` };
  }
  run(ctx, log, calls.plan);
  const json = run(ctx, log, calls.show);
  return summarizePlan(stack, JSON.parse(json) as unknown);
}

function render(ctx: EnvContext, results: readonly (StackPlanSummary | Unplanned)[]): string {
  const parts = results.map((r) => {
    if ('why' in r) {
      return `${r.stack}: not planned (${r.why}); on a first deploy its state bucket does not exist until the backend stack is applied`;
    }
    return ctx.args.markdown ? renderPlanMarkdown(r) : renderPlanText(r, { alarm: ctx.style.red });
  });
  if (ctx.args.json) return `${JSON.stringify(results, null, 2)}\n`;
  return `${parts.join('\n')}\n`;
}

async function planAll(ctx: EnvContext, runDir: string): Promise<number> {
  const { deps, env } = ctx;
  const log = join(runDir, 'plan.log');
  mkdirSync(runDir, { recursive: true });
  deps.stderr.write(`planning ${env.name} (log: ${displayPath(log, deps.root)})\n`);
  run(ctx, log, { command: ctx.cdktf, args: ['synth'], cwd: deps.root });
  const results = stacksOf(env.name).map((stack) => planStack(ctx, runDir, log, stack));
  deps.stdout.write(render(ctx, results));
  const changes = results.some((r) => !('why' in r) && hasChanges(r));
  deps.stderr.write(
    `${changes ? 'changes pending' : 'no changes'}; plan files in ${displayPath(runDir, deps.root)} (nothing was applied)\n`,
  );
  return EXIT_OK;
}

export async function planCommand(ctx: EnvContext): Promise<number> {
  const { deps, env } = ctx;
  const lock = acquireLock(cdktfLockPath(deps.root), `plan ${env.name}`, {
    now: now(ctx),
    why: CDKTF_LOCK_WHY,
    release: `${INVOCATION} lock release ${env.name}`,
  });
  try {
    return await planAll(ctx, newRunDir(ctx.runBase, env.name, 'plan', now(ctx)));
  } catch (error) {
    if (error instanceof Interrupted) {
      printError(ctx, `interrupted during ${error.message}: nothing was applied, the lock is released`);
      return EXIT_INTERRUPTED;
    }
    if (error instanceof CallFailed) {
      printError(ctx, `plan of ${env.name} failed: ${error.call}${error.tail.map((l) => `\n  | ${l}`).join('')}`);
      return EXIT_FAILED;
    }
    if (error instanceof PlanFormatError || error instanceof SyntaxError) {
      printError(ctx, `could not read the plan of ${env.name}: ${error.message}`);
      return EXIT_FAILED;
    }
    throw error;
  } finally {
    lock.release();
  }
}
