/**
 * `accessory <env> boot|reboot|restart|logs|exec|details <name>`, Kamal's accessory verbs. `boot` runs
 * ansible/playbooks/accessory.yml for that accessory alone (started, or started anew when its definition changed; the
 * app is not touched), `reboot` the same with accessory_recreate (a new container even when unchanged); both under
 * the environment's lock, `--dry-run` prints the call. `restart` (under the lock), `logs` and `exec` find the host
 * that runs it (its container's label, over SSH on every host at once) and run `docker restart|logs|exec` there;
 * `details` prints each host's containers of it (name, image, status, ports, mounts). Exit 6 when no host runs it.
 */
import type { EnvContext } from '../context';
import { printError } from '../context';
import type { HostOutput } from '../../stacks/outputs';
import { EXIT_OK, EXIT_UNHEALTHY, EXIT_USAGE } from '../../lib/exit-codes';
import { unknownMessage } from '../../lib/cli/suggest';
import { argsFor } from '../args';
import { INVOCATION } from '../usage';
import { SIGNAL_EXIT } from '../../lib/signals';
import { lockRequest } from '../context';
import { takeEnvLock } from '../state';
import { sshArgv, Fleet } from '../fleet/ssh';
import { dryRunPlaybook, loadFleet, onEachHost, runPlaybook } from '../fleet/fleet';
import {
  accessoryRemote,
  detailsRemote,
  findAccessoryRemote,
  hostsRunning,
} from '../fleet/accessory';

export async function accessoryCommand(ctx: EnvContext): Promise<number> {
  const args = argsFor(ctx.args, 'accessory');
  const { action, name } = args.accessory!;
  const known = ctx.env.accessories.map((a) => a.name);
  if (!known.includes(name)) {
    const why =
      known.length === 0
        ? `has no accessories (got "${name}"; they are set in config/environments.ts, \`accessories\`)`
        : unknownMessage('accessory name', name, known);
    printError(ctx, `${ctx.env.name}: ${why}`);
    return EXIT_USAGE;
  }
  if (action === 'boot' || action === 'reboot') {
    const vars = { accessory_names: [name], accessory_recreate: action === 'reboot' };
    if (args.dryRun) return dryRunPlaybook(ctx, 'accessory.yml', vars);
    const fleet = await loadFleet(ctx);
    if (typeof fleet === 'number') return fleet;
    return runPlaybook(ctx, fleet, 'accessory.yml', vars);
  }
  const fleet = await loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  if (action === 'details') return details(ctx, fleet, name);
  const hosts = await findHosts(ctx, fleet, name);
  if (typeof hosts === 'number') return hosts;
  if (action === 'restart') {
    const lock = takeEnvLock(lockRequest(ctx));
    try {
      return await onEachHost(ctx, fleet, hosts, accessoryRemote('restart', name), false);
    } finally {
      lock.release();
    }
  }
  if (action === 'logs') {
    const { follow, since } = args;
    return onEachHost(ctx, fleet, hosts, accessoryRemote('logs', name, { follow, since }), false);
  }
  const terminal = ctx.deps.stdin?.isTTY === true;
  const remote = accessoryRemote('exec', name, { execArgv: args.execArgv, terminal });
  return onEachHost(ctx, fleet, hosts, remote, terminal);
}

/** What each host says about the accessory's containers, asked on every host at once. */
async function ask(ctx: EnvContext, fleet: Fleet, remote: readonly string[]) {
  return Promise.all(
    fleet.hosts.map(async (host) => {
      const ran = await ctx.exec.run({
        command: 'ssh',
        args: sshArgv(fleet, host, remote),
        output: { mode: 'capture' },
      });
      const why = ran.stderr.trim().split('\n').pop() || `ssh exit ${ran.code}`;
      return { host, stdout: ran.code === 0 ? ran.stdout : '', error: ran.code === 0 ? '' : why };
    }),
  );
}

/** The hosts that run the accessory; an unreadable host is named; none: exit 6, saying how to boot it. */
async function findHosts(
  ctx: EnvContext,
  fleet: Fleet,
  name: string,
): Promise<HostOutput[] | number> {
  const found = await ask(ctx, fleet, findAccessoryRemote(name));
  if (ctx.exec.interrupted !== undefined) return SIGNAL_EXIT[ctx.exec.interrupted];
  for (const f of found.filter((x) => x.error !== ''))
    ctx.deps.stderr.write(`${f.host.name}: not read: ${f.error}\n`);
  const hosts = hostsRunning(name, found);
  if (hosts.length > 0) return hosts;
  printError(
    ctx,
    `accessory ${name} runs on no host of ${ctx.env.name}; boot it: ${INVOCATION} accessory ${ctx.env.name} boot ${name}`,
  );
  return EXIT_UNHEALTHY;
}

/** Every host's containers of the accessory, `<host>\t<name>\t<image>\t<status>\t<ports>\t<mounts>`. */
async function details(ctx: EnvContext, fleet: Fleet, name: string): Promise<number> {
  const answers = await ask(ctx, fleet, detailsRemote(name));
  if (ctx.exec.interrupted !== undefined) return SIGNAL_EXIT[ctx.exec.interrupted];
  const lines = answers.flatMap((a) =>
    a.error !== ''
      ? [`${a.host.name}\t(not read: ${a.error})`]
      : a.stdout
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => `${a.host.name}\t${l}`),
  );
  const running = lines.some((l) => !l.includes('\t(not read: '));
  if (!running) printError(ctx, `accessory ${name} runs on no host of ${ctx.env.name}`);
  ctx.deps.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  return running && answers.every((a) => a.error === '') ? EXIT_OK : EXIT_UNHEALTHY;
}
