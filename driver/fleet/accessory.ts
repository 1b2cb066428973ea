/**
 * The remote commands of `accessory <env> <action> <name>` (Kamal's accessory verbs), as argv arrays run on a host
 * over SSH: pure builders, no process is started here. An accessory is the container `<name>` the app role's
 * accessory tasks start, labelled `docker-hosts.accessory=<name>` (ansible/roles/app/tasks/accessory.yml): the label
 * finds the host it runs on. `boot` and `reboot` are not here: they run ansible/playbooks/accessory.yml.
 */
import type { AccessoryAction } from '../usage';

/** The label the app role puts on an accessory's container; its value is the accessory's name. */
export const ACCESSORY_LABEL = 'docker-hosts.accessory';

/** `docker ps` of the accessory's containers (any state) on a host, one `format` line each. */
function psRemote(name: string, format: string): string[] {
  return [
    'docker',
    'ps',
    '--all',
    '--filter',
    `label=${ACCESSORY_LABEL}=${name}`,
    '--format',
    format,
  ];
}

/** The accessory's containers on a host, one name a line (none: empty output). */
export function findAccessoryRemote(name: string): string[] {
  return psRemote(name, '{{.Names}}');
}

/** `details`: where and how it runs, one line a container (`docker ps`, as Kamal's `accessory details`). */
export function detailsRemote(name: string): string[] {
  return psRemote(name, '{{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}\t{{.Mounts}}');
}

export interface AccessoryRemoteOptions {
  readonly follow?: boolean;
  readonly since?: string;
  /** exec: the command after `--`. */
  readonly execArgv?: readonly string[];
  /** exec: the driver runs on a terminal (`docker exec -it`). */
  readonly terminal?: boolean;
}

/** The command on the accessory's host for restart, logs and exec. */
export function accessoryRemote(
  action: Extract<AccessoryAction, 'restart' | 'logs' | 'exec'>,
  name: string,
  options: AccessoryRemoteOptions = {},
): string[] {
  if (action === 'restart') return ['docker', 'restart', name];
  if (action === 'logs') {
    const follow = options.follow ? ['--follow'] : [];
    const since = options.since !== undefined ? ['--since', options.since] : [];
    return ['docker', 'logs', ...follow, ...since, name];
  }
  const tty = options.terminal ? ['-it'] : [];
  return ['docker', 'exec', ...tty, name, ...(options.execArgv ?? [])];
}

/** The hosts whose `findAccessoryRemote` output names the accessory. */
export function hostsRunning<H extends { readonly name: string }>(
  name: string,
  found: readonly { readonly host: H; readonly stdout: string }[],
): H[] {
  return found
    .filter((f) => f.stdout.split('\n').some((l) => l.trim() === name))
    .map((f) => f.host);
}
