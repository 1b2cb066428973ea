/**
 * `releases <env> [--json]`: the release records of every host (/var/lib/docker-hosts/releases.jsonl, written by the
 * app role), read over SSH at once, as one table oldest first. Read-only, no lock. Exit 6 when a host could not be read.
 */
import { argsFor } from '../args';
import {
  allRecords,
  formatReleases,
  HostReleases,
  parseReleases,
  RELEASES_FILE,
} from '../release/records';
import type { EnvContext } from '../context';
import { EXIT_OK, EXIT_UNHEALTHY } from '../../lib/exit-codes';
import { sshArgv } from '../fleet/ssh';
import { loadFleet } from '../fleet/fleet';
import { managedReleases } from '../managed/commands';

export async function releasesCommand(ctx: EnvContext): Promise<number> {
  if (ctx.env.fleet === 'managed') return managedReleases(ctx);
  const fleet = await loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  const remote = ['sh', '-c', `cat ${RELEASES_FILE} 2>/dev/null || true`];
  const hosts: HostReleases[] = await Promise.all(
    fleet.hosts.map(async (h) => {
      const ran = await ctx.exec.run({
        command: 'ssh',
        args: sshArgv(fleet, h, remote),
        output: { mode: 'capture' },
      });
      if (ran.code === 0) return parseReleases(h.name, ran.stdout);
      const why = ran.stderr.trim().split('\n').pop() || `ssh exit ${ran.code}`;
      return { host: h.name, records: [], error: `not read: ${why}` };
    }),
  );
  if (argsFor(ctx.args, 'releases').json) {
    const errors = Object.fromEntries(hosts.filter((h) => h.error).map((h) => [h.host, h.error]));
    ctx.deps.stdout.write(`${JSON.stringify({ releases: allRecords(hosts), errors }, null, 2)}\n`);
  } else {
    ctx.deps.stdout.write(formatReleases(hosts));
  }
  return hosts.some((h) => h.error !== undefined) ? EXIT_UNHEALTHY : EXIT_OK;
}
