/** `logs <env> [--host h] [-f] [--since 10m]`: `docker logs` of the app container over SSH, every host at once. */
import type { EnvContext } from '../context';
import { loadFleet, onHosts, pickHosts } from './fleet';

export async function logsCommand(ctx: EnvContext): Promise<number> {
  const { args, env } = ctx;
  const fleet = loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  const hosts = pickHosts(ctx, fleet, args.onlyHost, true);
  const options = [...(args.follow ? ['--follow'] : []), ...(args.since ? ['--since', args.since] : [])];
  return onHosts(ctx, fleet, hosts, ['docker', 'logs', ...options, env.app.containerName]);
}
