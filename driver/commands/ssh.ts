/** `ssh <env> [host]`: an SSH session on a host (the first by default), the way Ansible connects (IAP or direct). */
import { argsFor } from '../args';
import type { EnvContext } from '../context';
import { sshArgv } from '../fleet/ssh';
import { loadFleet, pickHosts, runChild } from '../fleet/fleet';

export async function sshCommand(ctx: EnvContext): Promise<number> {
  const fleet = await loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  const [host] = pickHosts(ctx, fleet, argsFor(ctx.args, 'ssh').host, false);
  return runChild(ctx, { command: 'ssh', args: sshArgv(fleet, host), terminal: true });
}
