/**
 * `validate <env>`: is the code deployable, without Google? `cdktf synth` (which runs the policies,
 * policies/rules.ts: a violation fails the synth), then per stack the environment touches
 * `terraform init -backend=false` (providers only, no state bucket) and `terraform validate`. Holds the cdktf lock
 * (synth writes cdktf.out/); exit 0 valid, 1 not (the failing call and the tail of its output).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvContext } from '../context';
import { lockRequest } from '../context';
import { EXIT_OK } from '../../lib/exit-codes';
import { displayPath } from '../format';
import { envDir } from '../paths';
import { stacksOf, validateCalls } from '../plan/terraform';
import { reportPlanFailure, run, synth } from '../review/stack-plans';
import { takeCdktfLock } from '../state';

export async function validateCommand(ctx: EnvContext): Promise<number> {
  const { deps, env } = ctx;
  const lock = takeCdktfLock(lockRequest(ctx));
  try {
    mkdirSync(envDir(ctx.runBase, env.name), { recursive: true });
    const log = join(envDir(ctx.runBase, env.name), 'validate.log');
    writeFileSync(log, '');
    deps.stderr.write(`validating ${env.name} (log: ${displayPath(log, deps.root)})\n`);
    const p = { ctx, log };
    await synth(p);
    deps.stdout.write('synth and policies: ok\n');
    for (const stack of stacksOf(env.name)) {
      const calls = validateCalls(deps.root, stack);
      await run(p, calls.init);
      await run(p, calls.validate);
      deps.stdout.write(`${stack}: terraform validate ok\n`);
    }
    return EXIT_OK;
  } catch (error) {
    return reportPlanFailure(ctx, error);
  } finally {
    lock.release();
  }
}
