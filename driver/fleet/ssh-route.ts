/**
 * How the driver, Ansible and the operator's ssh reach a host: one route (user, address, key, known_hosts, the
 * host-key alias, the IAP ProxyCommand), rendered three ways: ssh's argv (the ship commands, the build's ssh
 * wrapper), Ansible's (the login as ansible-playbook's options and ANSIBLE_SSH_EXTRA_ARGS, the route as the
 * inventory's `ansible_ssh_common_args`), and an ~/.ssh/config entry (`env` with IAP). Pure.
 */
import type { HostOutput, StackOutputs } from '../../stacks/outputs';

export interface SshRoute {
  /** The stack's ssh user: Ansible's ansible_user. */
  readonly user: string;
  /** The external IP, or the internal one behind a load balancer (reached through the IAP tunnel). */
  readonly address: string;
  /** The host key recorded under `<name>-<instance id>` (absent when the outputs have no instance id). */
  readonly hostKeyAlias?: string;
  /** Through Identity-Aware Proxy when the outputs say `ssh_via: iap`. */
  readonly proxyCommand?: string;
}

/** The login of the environment: its key and `.run/<env>/known_hosts`, shared with the hosts step. */
export interface SshLogin {
  readonly privateKeyFile: string;
  readonly knownHosts: string;
}

/** The command that tunnels SSH to a host through Identity-Aware Proxy (Ansible's and docker's ProxyCommand). */
export function iapTunnelCommand(host: Pick<HostOutput, 'name' | 'zone'>, project: string): string {
  return `gcloud compute start-iap-tunnel ${host.name} 22 --listen-on-stdin --project=${project} --zone=${host.zone}`;
}

/**
 * The name a host's SSH key is recorded under: `<name>-<instance_id>`, not the (static) IP, so a replaced
 * host (new id) is a new known_hosts entry rather than "Host key verification failed".
 */
export function hostKeyAlias(host: Pick<HostOutput, 'name'> & { instance_id: string }): string {
  return `${host.name}-${host.instance_id}`;
}

/** A host's route from the stack outputs; `project` names the IAP tunnel's project (the outputs' by default). */
export function sshRoute(
  outputs: StackOutputs,
  host: HostOutput,
  project = String(outputs.project),
): SshRoute {
  const { name, instance_id } = host;
  return {
    user: outputs.ssh_user,
    address: String(host.external_ip ?? host.internal_ip),
    hostKeyAlias: instance_id === undefined ? undefined : hostKeyAlias({ name, instance_id }),
    proxyCommand: outputs.ssh_via === 'iap' ? iapTunnelCommand(host, project) : undefined,
  };
}

/** `<user>@<address>`: ssh's target (with IAP the tunnel ignores the address). */
export function routeTarget(route: SshRoute): string {
  return `${route.user}@${route.address}`;
}

/** ssh's options for the environment's known_hosts: a new host's key accepted once, then pinned; a changed one refused. */
function knownHostsOptions(login: SshLogin): string[] {
  return ['-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${login.knownHosts}`];
}

/** ssh's `-i`/`-o` options for the route (no target): the key alone, new keys accepted once, then pinned. */
export function routeOptions(route: SshRoute, login: SshLogin): string[] {
  const options = ['-i', login.privateKeyFile, '-o', 'IdentitiesOnly=yes'];
  options.push(...knownHostsOptions(login));
  if (route.hostKeyAlias !== undefined) options.push('-o', `HostKeyAlias=${route.hostKeyAlias}`);
  if (route.proxyCommand !== undefined) options.push('-o', `ProxyCommand=${route.proxyCommand}`);
  return options;
}

/**
 * The inventory's `ansible_ssh_common_args` (the key and known_hosts are the hosts step's own options), or
 * undefined when the route needs none.
 */
export function routeAnsibleArgs(route: SshRoute): string | undefined {
  const args: string[] = [];
  // No SSH to the external IP: tunnel through Identity-Aware Proxy.
  if (route.proxyCommand !== undefined) args.push(`-o ProxyCommand='${route.proxyCommand}'`);
  // Accepted on first use by the driver's StrictHostKeyChecking=accept-new.
  if (route.hostKeyAlias !== undefined) args.push(`-o HostKeyAlias=${route.hostKeyAlias}`);
  return args.length > 0 ? args.join(' ') : undefined;
}

/** A word of ANSIBLE_SSH_EXTRA_ARGS (Ansible splits it as a shell does): in single quotes when it needs them. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The environment's login as every play gets it: the user and key as ansible-playbook's own options (`-u`,
 * `--private-key`: ssh's `-l` and `-i`), kept apart from the rest of ssh's options (known_hosts, first-use
 * trust), which go in ANSIBLE_SSH_EXTRA_ARGS.
 */
export function loginAnsible(user: string, login: SshLogin) {
  return {
    options: ['-u', user, '--private-key', login.privateKeyFile],
    extraArgs: knownHostsOptions(login).map(shellWord).join(' '),
  };
}

/** A path in ~/.ssh/config: in double quotes when it has a space or a quote (ssh's own quoting). */
function sshConfigQuote(path: string): string {
  return /^[^\s"'#]+$/.test(path) ? path : `"${path.replace(/"/g, '')}"`;
}

/** The route as an ~/.ssh/config entry for `Host <alias>` (the IAP tunnel told to say only warnings). */
export function routeSshConfig(route: SshRoute, login: SshLogin, alias: string): string[] {
  const lines = [
    `Host ${alias}`,
    `  User ${route.user}`,
    `  IdentityFile ${sshConfigQuote(login.privateKeyFile)}`,
  ];
  if (route.hostKeyAlias !== undefined) lines.push(`  HostKeyAlias ${route.hostKeyAlias}`);
  lines.push(
    `  UserKnownHostsFile ${sshConfigQuote(login.knownHosts)}`,
    '  StrictHostKeyChecking accept-new',
  );
  if (route.proxyCommand !== undefined)
    lines.push(`  ProxyCommand ${route.proxyCommand} --verbosity=warning`);
  return lines;
}
