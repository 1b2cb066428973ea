/**
 * Stack outputs -> Ansible inventory.
 *
 * `cdktf output <env> --outputs-file <f>` (and `cdktf deploy ... --outputs-file <f>`) writes
 * `{ "<stack>": { "<outputId>": value, ... } }`. The stage/prod stacks define these outputs
 * (the contract, see README): `hosts`, `app_urls`, `ssh_user`, `app_port`, `environment`.
 *
 * These functions are pure: no I/O. The CLI (lib/inventory-cli.ts) and the driver do the I/O.
 */
import { isIP } from 'node:net';

/** One host, as the stack's `hosts` output describes it. */
export interface HostOutput {
  name: string;
  zone: string;
  external_ip: string;
  internal_ip: string;
  /**
   * Optional: the GCE numeric instance id. A replaced host keeps its static IP but gets a new id
   * (and a new SSH host key), so the inventory pins host keys to `<name>-<instance_id>`
   * (ssh's HostKeyAlias) instead of the IP.
   */
  instance_id?: string;
}

/** The stack-level outputs of a stage/prod stack. */
export interface StackOutputs {
  /** Keyed by host name (the key equals `name`). */
  hosts: Record<string, HostOutput>;
  app_urls: string[];
  ssh_user: string;
  app_port: number;
  environment: string;
  /** Optional outputs: how SSH reaches the hosts (default "direct") and the project (needed for "iap"). */
  ssh_via?: SshVia;
  project?: string;
}

/** `direct`: SSH to the external IP; `iap`: through `gcloud compute start-iap-tunnel`. */
export type SshVia = 'direct' | 'iap';

/** Thrown for any malformed outputs; the message names the stack and the offending field. */
export class InventoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InventoryError';
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

// GCE instance names: RFC 1035 labels (lowercase letters, digits, hyphens).
const HOST_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
// Linux user names as GCE's guest agent accepts them.
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;
const ENV_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
// GCE instance ids: unsigned 64-bit integers, as a decimal string.
const INSTANCE_ID = /^[0-9]{1,20}$/;

function requireString(obj: JsonObject, field: string, where: string, noun = 'field'): string {
  if (!(field in obj)) throw new InventoryError(`${where}: missing ${noun} "${field}"`);
  const value = obj[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InventoryError(`${where}: ${noun} "${field}" must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function requireIp(obj: JsonObject, field: string, where: string): string {
  const value = requireString(obj, field, where);
  if (isIP(value) === 0) {
    throw new InventoryError(`${where}: field "${field}" must be an IP address, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireZone(obj: JsonObject, where: string): string {
  const value = requireString(obj, 'zone', where);
  if (!ZONE.test(value)) {
    throw new InventoryError(
      `${where}: field "zone" must be a zone such as europe-west1-b, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function parseHost(key: string, value: unknown, where: string): HostOutput {
  const at = `${where}.hosts["${key}"]`;
  if (!isObject(value)) throw new InventoryError(`${at}: must be an object, got ${describe(value)}`);
  const name = requireString(value, 'name', at);
  if (name !== key)
    throw new InventoryError(`${at}: field "name" is ${JSON.stringify(name)}, expected the key "${key}"`);
  if (!HOST_NAME.test(name)) {
    throw new InventoryError(`${at}: "${name}" is not a valid instance name (lowercase letters, digits, hyphens)`);
  }
  const host: HostOutput = {
    name,
    zone: requireZone(value, at),
    external_ip: requireIp(value, 'external_ip', at),
    internal_ip: requireIp(value, 'internal_ip', at),
  };
  // Optional; absent (or null) means unknown: host keys are then pinned to the IP, as before.
  if ('instance_id' in value && value.instance_id !== null) {
    const id = value.instance_id;
    if (typeof id !== 'string' || !INSTANCE_ID.test(id)) {
      throw new InventoryError(
        `${at}: field "instance_id" must be a GCE instance id (a string of digits), got ${describe(id)}`,
      );
    }
    host.instance_id = id;
  }
  return host;
}

/**
 * Validates the outputs file content (already JSON-parsed) and returns the outputs of `stack`.
 * Throws InventoryError naming the missing or malformed field.
 */
export function parseStackOutputs(json: unknown, stack: string): StackOutputs {
  if (!isObject(json)) {
    throw new InventoryError(`outputs must be a JSON object keyed by stack name, got ${describe(json)}`);
  }
  const raw = json[stack];
  if (raw === undefined) {
    const found = Object.keys(json).sort();
    throw new InventoryError(
      `outputs have no stack "${stack}" (stacks found: ${found.length > 0 ? found.join(', ') : 'none'})`,
    );
  }
  const where = `stack "${stack}"`;
  if (!isObject(raw)) throw new InventoryError(`${where}: outputs must be an object, got ${describe(raw)}`);

  if (!('hosts' in raw)) throw new InventoryError(`${where}: missing output "hosts"`);
  const rawHosts = raw.hosts;
  if (!isObject(rawHosts)) {
    throw new InventoryError(
      `${where}: output "hosts" must be an object keyed by host name, got ${describe(rawHosts)}`,
    );
  }
  const hosts: Record<string, HostOutput> = {};
  for (const key of Object.keys(rawHosts).sort()) {
    hosts[key] = parseHost(key, rawHosts[key], where);
  }

  if (!('app_urls' in raw)) throw new InventoryError(`${where}: missing output "app_urls"`);
  const appUrls = raw.app_urls;
  if (!Array.isArray(appUrls) || !appUrls.every((u): u is string => typeof u === 'string')) {
    throw new InventoryError(`${where}: output "app_urls" must be a list of strings, got ${describe(appUrls)}`);
  }

  const sshUser = requireString(raw, 'ssh_user', where, 'output');
  if (!USER_NAME.test(sshUser)) {
    throw new InventoryError(`${where}: output "ssh_user" ${JSON.stringify(sshUser)} is not a valid user name`);
  }

  if (!('app_port' in raw)) throw new InventoryError(`${where}: missing output "app_port"`);
  const appPort = raw.app_port;
  if (typeof appPort !== 'number' || !Number.isInteger(appPort) || appPort < 1 || appPort > 65535) {
    throw new InventoryError(`${where}: output "app_port" must be a port number (1-65535), got ${describe(appPort)}`);
  }

  const environment = requireString(raw, 'environment', where, 'output');
  if (!ENV_NAME.test(environment)) {
    throw new InventoryError(
      `${where}: output "environment" ${JSON.stringify(environment)} must match ${ENV_NAME.source}`,
    );
  }

  const result: StackOutputs = { hosts, app_urls: [...appUrls], ssh_user: sshUser, app_port: appPort, environment };
  if ('ssh_via' in raw) {
    const via = raw.ssh_via;
    if (via !== 'direct' && via !== 'iap') {
      throw new InventoryError(`${where}: output "ssh_via" must be "direct" or "iap", got ${describe(via)}`);
    }
    result.ssh_via = via;
  }
  if ('project' in raw) {
    const project = requireString(raw, 'project', where, 'output');
    if (!PROJECT_ID.test(project)) {
      throw new InventoryError(
        `${where}: output "project" ${JSON.stringify(project)} is not a Google Cloud project ID`,
      );
    }
    result.project = project;
  }
  if (result.ssh_via === 'iap' && result.project === undefined) {
    throw new InventoryError(`${where}: output "ssh_via" is "iap" but output "project" is missing`);
  }
  return result;
}

/** The Ansible group of an environment: `env_<environment>` with `-` turned into `_`. */
export function envGroupName(environment: string): string {
  return `env_${environment.replace(/-/g, '_')}`;
}

/** The group every Docker host is in; the playbooks target it. */
export const HOSTS_GROUP = 'docker_hosts';

// JSON string literals are valid YAML double-quoted scalars: safe quoting for any value.
const q = (s: string): string => JSON.stringify(s);

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

/** The ssh options of one host (`ansible_ssh_common_args`), or undefined when it needs none. */
function sshCommonArgs(outputs: StackOutputs, host: HostOutput): string | undefined {
  const args: string[] = [];
  if (outputs.ssh_via === 'iap') {
    // No SSH to the external IP: tunnel through Identity-Aware Proxy.
    args.push(`-o ProxyCommand='${iapTunnelCommand(host, String(outputs.project))}'`);
  }
  if (host.instance_id !== undefined) {
    // Accepted on first use by the driver's StrictHostKeyChecking=accept-new.
    args.push(`-o HostKeyAlias=${hostKeyAlias({ name: host.name, instance_id: host.instance_id })}`);
  }
  return args.length > 0 ? args.join(' ') : undefined;
}

/**
 * Renders a YAML inventory: group `docker_hosts` with every host (`ansible_host` = external IP,
 * `ansible_user` = the stack's ssh user) and the group var `app_port`, plus the group
 * `env_<environment>` holding the same hosts. Deterministic: hosts sorted by name.
 * A host gets `ansible_ssh_common_args` when it has an `instance_id` (HostKeyAlias) and/or
 * `ssh_via` is `iap` (ProxyCommand): one string holding both.
 */
export function renderInventory(outputs: StackOutputs): string {
  const names = Object.keys(outputs.hosts).sort();
  const envGroup = envGroupName(outputs.environment);
  const lines: string[] = [
    `# Generated from the outputs of the ${q(outputs.environment)} stack by lib/inventory-cli.ts. Do not edit.`,
    '---',
    'all:',
    '  children:',
    `    ${HOSTS_GROUP}:`,
  ];
  if (names.length === 0) {
    lines.push('      hosts: {}');
  } else {
    lines.push('      hosts:');
    for (const name of names) {
      const host = outputs.hosts[name];
      lines.push(
        `        ${name}:`,
        `          ansible_host: ${q(host.external_ip)}`,
        `          ansible_user: ${q(outputs.ssh_user)}`,
        `          internal_ip: ${q(host.internal_ip)}`,
        `          gce_zone: ${q(host.zone)}`,
      );
      const sshArgs = sshCommonArgs(outputs, host);
      if (sshArgs !== undefined) lines.push(`          ansible_ssh_common_args: ${q(sshArgs)}`);
    }
  }
  lines.push('      vars:', `        app_port: ${outputs.app_port}`, `    ${envGroup}:`);
  if (names.length === 0) {
    lines.push('      hosts: {}');
  } else {
    lines.push('      hosts:');
    for (const name of names) lines.push(`        ${name}: {}`);
  }
  lines.push('      vars:', `        deploy_env: ${q(outputs.environment)}`);
  return `${lines.join('\n')}\n`;
}
