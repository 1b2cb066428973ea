/** `logs <env> [--host h] [-f] [--since 10m]`: `docker logs` of the app container over SSH, every host at once. */
import { argsFor } from '../args';
import type { EnvContext } from '../context';
import { sshArgv } from '../fleet/ssh';
import { loadFleet, pickHosts, runChild } from '../fleet/fleet';

export async function logsCommand(ctx: EnvContext): Promise<number> {
  const { env } = ctx;
  const args = argsFor(ctx.args, 'logs');
  const fleet = await loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  const hosts = pickHosts(ctx, fleet, args.onlyHosts ?? args.onlyHost, true);
  const options = [
    ...(args.follow ? ['--follow'] : []),
    ...(args.since ? ['--since', args.since] : []),
  ];
  const remote = ['docker', 'logs', ...options, env.app.containerName];
  const prefix = (name: string) => (hosts.length > 1 ? `${name} | ` : '');
  const codes = await Promise.all(
    hosts.map((h) =>
      runChild(ctx, { command: 'ssh', args: sshArgv(fleet, h, remote), prefix: prefix(h.name) }),
    ),
  );
  return codes.find((c) => c !== 0) ?? 0;
}
