/**
 * `build <env>` (and `push <env>`, the same for those who type Kamal's word): the `build` step of `up` alone, as
 * `up <env> --only build` runs it: the app image (app.build) built where its tag is missing and pushed to the
 * registry, in the last run folder (its outputs say where). Deploys nothing; messages name `up … --only build`.
 */
import type { EnvContext } from '../context';
import { upCommand } from './up';

export function buildCommand(ctx: EnvContext): Promise<number> {
  return upCommand({ ...ctx, args: { ...ctx.args, command: 'up', only: 'build' } });
}
