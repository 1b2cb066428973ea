/**
 * `exec <env> [--host h] -- <cmd>`: `docker exec` in the app container over SSH, on each host one after the other
 * (a header line per host when there are several); interactive (`-it`) when the driver runs on a terminal.
 */
import { argsFor } from '../args';
import type { EnvContext } from '../context';
import { SIGNAL_EXIT } from '../../lib/signals';
import { sshArgv } from '../fleet/ssh';
import { loadFleet, pickHosts, runChild } from '../fleet/fleet';

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
  let worst = 0;
  for (const host of hosts) {
    if (hosts.length > 1) ctx.deps.stderr.write(`${ctx.errStyle.bold(`== ${host.name}`)}\n`);
    const code = await runChild(ctx, {
      command: 'ssh',
      args: sshArgv(fleet, host, remote, terminal),
      terminal,
    });
    // Interrupted (here, or the command on the host by a signal): the next hosts do not run.
    if (Object.values(SIGNAL_EXIT).includes(code)) return code;
    worst = worst || code;
  }
  return worst;
}
