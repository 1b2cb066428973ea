/**
 * `plan <env>`: what `up` would change, changing nothing. Synthesizes, then for each stack the environment
 * touches runs `terraform init`, `terraform plan -out` (the plan file stays in the run folder) and
 * `terraform show -json`, and prints the change summary of review/plan (counts, each resource with its action,
 * why a replacement, what a lost host takes with it, exposure changes). Records what the plans were made from
 * (review/saved-plan.ts), so that `up <env> --plan <run folder>` applies exactly them. Holds the environment's lock
 * (another environment's runs never wait on it: each run synthesizes into its own folder).
 * `--detailed-exitcode`: 0 no changes, 2 changes, 1 anything else (main.ts: ctx.onChanges tells it).
 */
import { argsFor } from '../args';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasChanges } from '../../review/plan/summary';
import { EnvContext, lockRequest, now } from '../context';
import { EXIT_OK } from '../../lib/exit-codes';
import { displayPath } from '../format';
import { stacksOf } from '../plan/terraform';
import { recordSavedPlans } from '../review/saved-plan';
import {
  isUnplanned,
  planStacks,
  renderPlans,
  replaceTarget,
  reportPlanFailure,
} from '../review/stack-plans';
import { INVOCATION } from '../usage';
import { newRunDir, takeEnvLock } from '../state';

export async function planCommand(ctx: EnvContext): Promise<number> {
  const { deps, env } = ctx;
  const args = argsFor(ctx.args, 'plan');
  replaceTarget(ctx);
  const lock = takeEnvLock(lockRequest(ctx));
  const runDir = newRunDir(ctx.runBase, env.name, 'plan', now(ctx));
  const log = join(runDir, 'plan.log');
  try {
    mkdirSync(runDir, { recursive: true });
    deps.stderr.write(`planning ${env.name} (log: ${displayPath(log, deps.root)})\n`);
    const results = await planStacks(ctx, runDir, log, stacksOf(env.name));
    await recordSavedPlans({ ctx, log }, runDir, results);
    const format = args.markdown ? 'markdown' : 'text';
    deps.stdout.write(
      args.json ? `${JSON.stringify(results, null, 2)}\n` : renderPlans(ctx, results, format),
    );
    const changes = results.some((r) => !isUnplanned(r) && hasChanges(r));
    const where = displayPath(runDir, deps.root);
    deps.stderr.write(
      `${changes ? 'changes pending' : 'no changes'}; plan files in ${where} (nothing was applied)\n`,
    );
    if (changes)
      deps.stderr.write(
        `apply exactly these plans: ${INVOCATION} up ${env.name} --plan ${where}\n`,
      );
    if (changes) ctx.onChanges?.();
    return EXIT_OK;
  } catch (error) {
    return reportPlanFailure(ctx, error, log);
  } finally {
    lock.release();
  }
}
