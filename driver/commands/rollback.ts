/**
 * `rollback <env> [version]`: ansible/playbooks/rollback.yml on every host, under the environment's lock: the release
 * before the running one (or the named one: a commit, digest, image or image id of an earlier successful release),
 * from the image already on each host (no pull), health-gated and one host at a time like a deploy. `--dry-run`
 * prints the playbook call and runs nothing.
 */
import { argsFor } from '../args';
import { EnvContext, printError } from '../context';
import { EXIT_USAGE } from '../../lib/exit-codes';
import { operator } from '../git';
import { ansibleUnsafe } from '../plan/tools';
import { dryRunPlaybook, loadFleet, runPlaybook } from '../fleet/fleet';
import { managedRollback } from '../managed/commands';

export async function rollbackCommand(ctx: EnvContext): Promise<number> {
  if (ctx.env.fleet === 'managed') return managedRollback(ctx);
  const args = argsFor(ctx.args, 'rollback');
  if (args.autoApprove) {
    // A fixed fleet's rollback applies no Terraform plan: there is nothing to approve.
    printError(
      ctx,
      `--auto-approve applies to rollback of a managed fleet only (${ctx.env.name} is fixed)`,
    );
    return EXIT_USAGE;
  }
  const vars = {
    app_rollback_version: args.version ?? '',
    app_release_who: ansibleUnsafe(await operator(ctx.exec, ctx.deps.env)),
  };
  if (args.dryRun) return dryRunPlaybook(ctx, 'rollback.yml', vars);
  const fleet = await loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  return runPlaybook(ctx, fleet, 'rollback.yml', vars);
}
