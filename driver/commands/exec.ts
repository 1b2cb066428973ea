/**
 * `exec <env> [--host h] -- <cmd>`: `docker exec` in the app container over SSH, on each host one after the other
 * (a header line per host when there are several); interactive (`-it`) when the driver runs on a terminal.
 */
import { argsFor } from '../args';
import type { EnvContext } from '../context';
import { loadFleet, onEachHost, pickHosts } from '../fleet/fleet';

export async function execCommand(ctx: EnvContext): Promise<number> {
  const { env } = ctx;
  const args = argsFor(ctx.args, 'exec');
  const fleet = await loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  const hosts = pickHosts(ctx, fleet, args.onlyHosts ?? args.onlyHost, true);
  const terminal = ctx.deps.stdin?.isTTY === true;
  const remote = [
    'docker',
    'exec',
    ...(terminal ? ['-it'] : []),
    env.app.containerName,
    ...args.execArgv,
  ];
  return onEachHost(ctx, fleet, hosts, remote, terminal);
}
