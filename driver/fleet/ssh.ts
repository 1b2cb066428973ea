/**
 * The ssh command line to a host, the route Ansible takes (ssh-route.ts): the stack's ssh user at the host's
 * address, the environment's key, the environment's known_hosts (trust on first use, a changed key refused), the
 * host key pinned to `<name>-<instance id>`, and through IAP (`gcloud compute start-iap-tunnel`) when the outputs
 * say `ssh_via: iap`. Pure: the commands and the build step run what it returns.
 */
import type { HostOutput, StackOutputs } from '../../stacks/outputs';
import { shellQuote } from '../format';
import { routeOptions, routeTarget, SshLogin, sshRoute } from './ssh-route';

export type { SshLogin } from './ssh-route';

/** An environment's hosts as the day-2 commands reach them: the stack outputs and the login. */
export interface Fleet {
  readonly outputs: StackOutputs;
  readonly hosts: readonly HostOutput[];
  readonly login: SshLogin;
}

/** The `-o`/`-i` options for one host (no target). */
export function sshOptions(outputs: StackOutputs, host: HostOutput, login: SshLogin): string[] {
  return routeOptions(sshRoute(outputs, host), login);
}

/** `<ssh user>@<address>`: Ansible's ansible_user and ansible_host (with IAP the tunnel ignores the address). */
export function sshTarget(outputs: StackOutputs, host: HostOutput): string {
  return routeTarget(sshRoute(outputs, host));
}

/** `ssh <options> [-t] <target> [-- remote command]`, to a host of `to.outputs`. */
export function sshArgv(
  to: Fleet,
  host: HostOutput,
  remote: readonly string[] = [],
  tty = false,
): string[] {
  const argv = [
    ...sshOptions(to.outputs, host, to.login),
    ...(tty ? ['-t'] : []),
    sshTarget(to.outputs, host),
  ];
  return remote.length === 0 ? argv : [...argv, '--', remote.map(shellQuote).join(' ')];
}

/**
 * A `ssh` wrapper for `docker -H ssh://…` (the docker CLI runs plain `ssh` from PATH and cannot be given options):
 * put first on PATH, it adds the host's options and runs the real ssh found on the rest of PATH.
 */
export function sshWrapperScript(wrapperDir: string, options: readonly string[]): string {
  return [
    '#!/bin/sh',
    '# Written by the docker-hosts driver: ssh the way Ansible connects to this host.',
    `PATH=\${PATH#${JSON.stringify(`${wrapperDir}:`)}}`,
    `exec ssh ${options.map(shellQuote).join(' ')} "$@"`,
    '',
  ].join('\n');
}
