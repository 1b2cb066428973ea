/** `env <env> [host]`: like `docker-machine env`, shell lines that point docker at a host. */
import { argsFor } from '../args';
import type { HostOutput } from '../../stacks/outputs';
import { shellQuote } from '../format';
import { QUIET_INVOCATION } from '../usage';
import type { EnvContext } from '../context';
import { EXIT_OK } from '../../lib/exit-codes';
import type { Fleet } from '../fleet/ssh';
import { loadFleet, pickHosts } from '../fleet/fleet';
import { routeSshConfig, sshRoute } from '../fleet/ssh-route';

/** After `export DOCKER_HOST`; for IAP, an ~/.ssh/config entry (docker runs the system ssh, which reads it). */
function hostNotes({ env }: EnvContext, { outputs, login }: Fleet, host: HostOutput): string[] {
  if (outputs.ssh_via !== 'iap') {
    return [
      `# ${host.name} (${env.name}${host.zone ? `, ${host.zone}` : ''}); docker logs in over SSH with your key: ssh-add ${shellQuote(env.ssh.privateKeyFile)}`,
      `# docker cannot answer ssh's host-key prompt: accept the key once with ssh -o StrictHostKeyChecking=accept-new ${host.ssh} true`,
      `# after the host is replaced (same static IP, new host key): ssh-keygen -R ${host.external_ip ?? host.internal_ip}`,
    ];
  }
  // The same route, host-key name and file as Ansible's: one trusted key per instance, shared with the driver.
  const route = sshRoute(outputs, host, outputs.project ?? env.projectId);
  return [
    `# ${host.name} (${env.name}, ${host.zone}) is reached through IAP; add this to ~/.ssh/config`,
    `# (and update it when the host is replaced: its instance id, so its host-key alias, changes):`,
    ...routeSshConfig(route, login, host.ssh).map((line) => `#   ${line}`),
  ];
}

export async function envCommand(ctx: EnvContext): Promise<number> {
  const { deps, env } = ctx;
  const args = argsFor(ctx.args, 'env');
  const invocation = `${QUIET_INVOCATION} env ${env.name}${args.host ? ` ${args.host}` : ''}`;
  const tail = `# Run this command to configure your shell:\n# eval "$(${invocation}${args.unset ? ' --unset' : ''})"\n`;
  if (args.unset) {
    deps.stdout.write(`unset DOCKER_HOST\n${tail}`);
    return EXIT_OK;
  }
  const fleet = await loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  const [host] = pickHosts(ctx, fleet, args.host, false);
  deps.stdout.write(
    [
      `export DOCKER_HOST=${shellQuote(host.docker_host)}`,
      ...hostNotes(ctx, fleet, host),
      tail,
    ].join('\n'),
  );
  return EXIT_OK;
}
