/**
 * `validate <env>`: is the code deployable, without Google? `cdktf synth` (which runs the policies,
 * policies/rules.ts: a violation fails the synth), then per stack the environment touches
 * `terraform init -backend=false` (providers only, no state bucket) and `terraform validate`, all in a run folder of
 * its own (`.run/<env>/<time>-validate/`): it changes nothing and takes no lock. Exit 0 valid, 1 not (the failing
 * call and the tail of its output).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvContext, now } from '../context';
import { EXIT_OK } from '../../lib/exit-codes';
import { displayPath } from '../format';
import { stacksOf, validateCalls } from '../plan/terraform';
import { reportPlanFailure, run, synth } from '../review/stack-plans';
import { newRunDir } from '../state';

export async function validateCommand(ctx: EnvContext): Promise<number> {
  const { deps, env } = ctx;
  const runDir = newRunDir(ctx.runBase, env.name, 'validate', now(ctx));
  const log = join(runDir, 'validate.log');
  try {
    mkdirSync(runDir, { recursive: true });
    writeFileSync(log, '');
    deps.stderr.write(`validating ${env.name} (log: ${displayPath(log, deps.root)})\n`);
    const p = { ctx, log };
    await synth(p, runDir);
    deps.stdout.write('synth and policies: ok\n');
    for (const stack of stacksOf(env.name)) {
      const calls = validateCalls(runDir, stack);
      await run(p, calls.init);
      await run(p, calls.validate);
      deps.stdout.write(`${stack}: terraform validate ok\n`);
    }
    return EXIT_OK;
  } catch (error) {
    return reportPlanFailure(ctx, error, log);
  }
}
