/**
 * `destroy <env>`: the environment's stack (hosts, firewall rules, service account, its read grant on the registry),
 * after a confirmation. Never the registry stack nor the state backend: both are the project's (why:
 * docs/architecture.md; how to remove them by hand: driver/README.md, Destroy).
 */
import { argsFor } from '../args';
import type { EnvContext } from '../context';
import { buildDestroyPlan } from '../plan/build';
import { DestroyStepName, PlannedStep } from '../plan/steps';
import { updateState } from '../state';
import { runCommand } from '../runner/run-command';

export async function destroyCommand(ctx: EnvContext): Promise<number> {
  const { env } = ctx;
  const args = argsFor(ctx.args, 'destroy');
  const options = {
    from: args.from as DestroyStepName | undefined,
    only: args.only as DestroyStepName | undefined,
  };
  // The destroy plan is shown first; destroying hosts needs the environment's name typed, or --yes without a terminal.
  // Once the stack is gone, its outputs describe nothing: env and status read afresh (and fail) from then on.
  const forget = (step: PlannedStep) => {
    if (step.name !== 'destroy') return;
    updateState(ctx.runBase, env.name, ({ lastOutputs: _gone, ...rest }) => rest);
  };
  return runCommand(ctx, (paths) => buildDestroyPlan(env, paths, options), forget);
}
