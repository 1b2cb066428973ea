/** `env <env> [host]`: like `docker-machine env`, shell lines that point docker at a host. */
import type { EnvironmentConfig } from '../../config';
import { hostKeyAlias, iapTunnelCommand } from '../../lib/inventory';
import type { HostOutput, StackOutputs } from '../../stacks/outputs';
import { INVOCATION } from '../usage';
import type { EnvContext } from '../context';
import { EXIT_OK } from '../exit-codes';
import { loadFleet, pickHosts } from './fleet';

/**
 * Hosts reached through IAP: DOCKER_HOST names an SSH alias, and the alias's ~/.ssh/config entry
 * tunnels with gcloud (the docker CLI runs the system ssh, which honours it).
 */
function iapLines(env: EnvironmentConfig, outputs: StackOutputs, host: HostOutput, knownHosts: string): string[] {
  return [
    `export DOCKER_HOST=${host.docker_host}`,
    `# ${host.name} (${env.name}, ${host.zone}) is reached through IAP; add this to ~/.ssh/config`,
    `# (and update it when the host is replaced: its instance id, so its host-key alias, changes):`,
    `#   Host ${host.ssh}`,
    `#     User ${outputs.ssh_user}`,
    `#     IdentityFile ${env.ssh.privateKeyFile}`,
    // The same host-key name and file as Ansible's: one trusted key per instance, shared with the driver.
    ...(host.instance_id
      ? [`#     HostKeyAlias ${hostKeyAlias({ name: host.name, instance_id: host.instance_id })}`]
      : []),
    `#     UserKnownHostsFile ${knownHosts}`,
    `#     StrictHostKeyChecking accept-new`,
    `#     ProxyCommand ${iapTunnelCommand(host, outputs.project ?? env.projectId)} --verbosity=warning`,
  ];
}

function directLines(env: EnvironmentConfig, host: HostOutput): string[] {
  return [
    `export DOCKER_HOST=${host.docker_host}`,
    `# ${host.name} (${env.name}${host.zone ? `, ${host.zone}` : ''}); docker logs in over SSH with your key: ssh-add ${env.ssh.privateKeyFile}`,
    `# docker cannot answer ssh's host-key prompt: accept the key once with ssh -o StrictHostKeyChecking=accept-new ${host.ssh} true`,
    `# after the host is replaced (same static IP, new host key): ssh-keygen -R ${host.external_ip ?? host.internal_ip}`,
  ];
}

export async function envCommand(ctx: EnvContext): Promise<number> {
  const { deps, args, env } = ctx;
  const invocation = `${INVOCATION.replace('--', '-s --')} env ${env.name}${args.host ? ` ${args.host}` : ''}`;
  if (args.unset) {
    deps.stdout.write(
      `unset DOCKER_HOST\n# Run this command to configure your shell:\n# eval "$(${invocation} --unset)"\n`,
    );
    return EXIT_OK;
  }
  const fleet = loadFleet(ctx);
  if (typeof fleet === 'number') return fleet;
  const [host] = pickHosts(ctx, fleet, args.host, false);
  const { outputs, login } = fleet;
  const lines = outputs.ssh_via === 'iap' ? iapLines(env, outputs, host, login.knownHosts) : directLines(env, host);
  lines.push('# Run this command to configure your shell:', `# eval "$(${invocation})"`);
  deps.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
