/**
 * `prune <env> [--keep n]`: ansible/playbooks/prune.yml on every host, under the environment's lock: stopped
 * containers whose image is not a kept release's, then the images of releases older than the kept ones. `--dry-run`
 * prints the playbook call and runs nothing.
 */
import { argsFor } from '../args';
import type { EnvContext } from '../context';
import { dryRunPlaybook, loadFleet, runPlaybook } from '../fleet/fleet';

export async function pruneCommand(ctx: EnvContext): Promise<number> {
  const args = argsFor(ctx.args, 'prune');
  const vars = args.keep === undefined ? {} : { app_releases_keep: args.keep };
  if (args.dryRun) return dryRunPlaybook(ctx, 'prune.yml', vars);
  const fleet = await loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  return runPlaybook(ctx, fleet, 'prune.yml', vars);
}
