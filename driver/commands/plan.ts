/**
 * `plan <env>`: what `up` would change, changing nothing. Synthesizes, then for each stack the environment
 * touches runs `terraform init`, `terraform plan -out` (the plan file stays in the run folder) and
 * `terraform show -json`, and prints the change summary of lib/plan (counts, each resource with its action,
 * why a replacement, what a lost host takes with it, exposure changes). Holds the project-wide cdktf lock.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasChanges } from '../../lib/plan/summary';
import { EnvContext, now } from '../context';
import { EXIT_OK } from '../exit-codes';
import { displayPath } from '../format';
import { acquireLock } from '../lock';
import { stacksOf } from '../plan/terraform';
import { isUnplanned, planStacks, renderPlans, reportPlanFailure, StackPlan } from '../stack-plans';
import { cdktfLockPath, CDKTF_LOCK_WHY, newRunDir } from '../state';
import { INVOCATION } from '../usage';

function render(ctx: EnvContext, results: readonly StackPlan[]): string {
  if (ctx.args.json) return `${JSON.stringify(results, null, 2)}\n`;
  return renderPlans(ctx, results, ctx.args.markdown ? 'markdown' : 'text');
}

async function planAll(ctx: EnvContext, runDir: string): Promise<number> {
  const { deps, env } = ctx;
  const log = join(runDir, 'plan.log');
  mkdirSync(runDir, { recursive: true });
  deps.stderr.write(`planning ${env.name} (log: ${displayPath(log, deps.root)})\n`);
  const results = planStacks(ctx, runDir, log, stacksOf(env.name));
  deps.stdout.write(render(ctx, results));
  const changes = results.some((r) => !isUnplanned(r) && hasChanges(r));
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
    return reportPlanFailure(ctx, error);
  } finally {
    lock.release();
  }
}
