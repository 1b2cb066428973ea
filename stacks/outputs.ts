/**
 * The outputs contract of an environment stack, in both directions: what the stack outputs (`environmentOutputs`,
 * turned into TerraformOutputs by stacks/docker-hosts-stack.ts) and the typed parser that the driver and the
 * inventory generator read `cdktf output|deploy --outputs-file` with. Each host's entry carries everything a
 * consumer needs (its app URL, its DOCKER_HOST, its SSH target): nobody derives them again.
 * The registry stack's contract (its hosts and repository URLs per environment) is stacks/registry-outputs.ts.
 * No cdktf import: the driver loads this file.
 */
import { isIP } from 'node:net';
import { sshHostAlias, type EnvironmentConfig, type Exposure } from '../config';
import { PROJECT_ID, RFC1035_NAME, USER_NAME, ZONE } from '../lib/constants';

/** `direct`: SSH to the external IP; `iap`: through `gcloud compute start-iap-tunnel`. */
export type SshVia = 'direct' | 'iap';

/** One host, as the stack's `hosts` output describes it. */
export interface HostOutput {
  readonly name: string;
  readonly zone: string;
  /** Absent behind a load balancer: the host has no external IP. */
  readonly external_ip?: string;
  readonly internal_ip: string;
  /**
   * The GCE numeric instance id. A replaced host keeps its static IP but gets a new id (and a new SSH host key),
   * so host keys are pinned to `<name>-<instance_id>` (ssh's HostKeyAlias) instead of the IP. Absent: unknown.
   */
  readonly instance_id?: string;
  /**
   * `http://<external ip>:<app port>`; behind a load balancer `http://<internal ip>:<app port>`, reachable only
   * from inside the network (or through a tunnel).
   */
  readonly app_url: string;
  /** `<user>@<external ip>` (direct), or the ~/.ssh/config alias that tunnels through IAP. */
  readonly ssh: string;
  /** `ssh://<ssh>`: the host's DOCKER_HOST. */
  readonly docker_host: string;
}

/** The outputs of an environment stack. */
export interface StackOutputs {
  /** Keyed by host name (the key equals `name`). */
  readonly hosts: Readonly<Record<string, HostOutput>>;
  readonly app_urls: readonly string[];
  /**
   * The environment's one URL (no trailing slash): the front door's (`http://<lb address>` or `https://<domain>`),
   * or with public IPs the first host's. Absent in outputs written before it existed.
   */
  readonly app_url?: string;
  /** `load-balancer` or `public-ips`. @default 'public-ips' (outputs written before it existed) */
  readonly exposure?: Exposure;
  /** The path the app answers health checks on. @default '/' */
  readonly app_health_path?: string;
  readonly ssh_user: string;
  readonly app_port: number;
  readonly environment: string;
  /** How SSH reaches the hosts (default "direct") and the project (needed for "iap"). */
  readonly ssh_via?: SshVia;
  readonly project?: string;
}

/** What the stack knows of a host: strings, which may be Terraform references. */
export interface HostFacts {
  /** The configured host name (`docker-host-001`): the output's key. */
  readonly key: string;
  readonly name: string;
  readonly zone: string;
  /** Absent when the host has no external IP. */
  readonly externalIp?: string;
  readonly internalIp: string;
  readonly instanceId: string;
}

/** What the stack knows of the environment as a whole. */
export interface EnvironmentFacts {
  /** The front door's URL (no trailing slash), when there is one. */
  readonly frontDoorUrl?: string;
}

export interface OutputDefinition {
  readonly description?: string;
  readonly value: unknown;
}

/** A host's entry in the `hosts` output. */
export function hostEntry(config: EnvironmentConfig, h: HostFacts): HostOutput {
  const ssh = config.ssh.connectVia === 'iap' ? sshHostAlias(config.name, h.key) : `${config.ssh.user}@${h.externalIp}`;
  return {
    name: h.name,
    zone: h.zone,
    ...(h.externalIp === undefined ? {} : { external_ip: h.externalIp }),
    internal_ip: h.internalIp,
    instance_id: h.instanceId,
    app_url: `http://${h.externalIp ?? h.internalIp}:${config.app.port}`,
    ssh,
    docker_host: `ssh://${ssh}`,
  };
}

/** Every output of an environment stack, by output id, in the order they are defined. */
export function environmentOutputs(config: EnvironmentConfig, hosts: readonly HostFacts[], env: EnvironmentFacts) {
  const entries = hosts.map((h) => hostEntry(config, h));
  const outputs: Record<string, OutputDefinition> = {
    app_url: {
      description:
        env.frontDoorUrl === undefined
          ? 'The app: the first host (public-ips: every host has its own, see app_urls)'
          : `The app, through the load balancer${config.domain === undefined ? ', HTTP only (no domain)' : ''}`,
      value: env.frontDoorUrl ?? entries[0].app_url,
    },
    exposure: { value: config.exposure },
    app_health_path: { description: 'The path the app answers health checks on', value: config.app.healthCheckPath },
    hosts: {
      description:
        'Each Docker host: name, zone, IPs, instance id (its SSH host-key alias), app URL, SSH target, DOCKER_HOST',
      value: Object.fromEntries(hosts.map((h, i) => [h.key, entries[i]])),
    },
    app_urls: {
      description:
        config.exposure === 'load-balancer'
          ? 'The app on each host, on its internal IP (reachable from inside the network only)'
          : 'The app on each host',
      value: entries.map((e) => e.app_url),
    },
    docker_hosts: {
      description:
        config.ssh.connectVia === 'iap'
          ? 'DOCKER_HOST value of each host: an ~/.ssh/config alias tunnelling through IAP (npm run pipeline -- env prints it)'
          : 'DOCKER_HOST value of each host (docker over SSH)',
      value: entries.map((e) => e.docker_host),
    },
    ssh_user: { value: config.ssh.user },
    ssh_via: {
      description: 'How to reach the hosts over SSH: direct (external IP) or iap (gcloud start-iap-tunnel)',
      value: config.ssh.connectVia,
    },
    project: { value: config.projectId },
    app_port: { value: config.app.port },
    environment: { value: config.name },
  };
  return outputs;
}

/** Thrown for any malformed outputs; the message names the stack and the offending field. */
export class OutputsError extends Error {
  override name = 'OutputsError';
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

const ENV_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
// GCE instance ids: unsigned 64-bit integers, as a decimal string.
const INSTANCE_ID = /^[0-9]{1,20}$/;

function requireString(obj: JsonObject, field: string, where: string, noun = 'field'): string {
  if (!(field in obj)) throw new OutputsError(`${where}: missing ${noun} "${field}"`);
  const value = obj[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OutputsError(`${where}: ${noun} "${field}" must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function requireMatch(obj: JsonObject, field: string, where: string, test: (v: string) => boolean, what: string) {
  const value = requireString(obj, field, where);
  if (!test(value)) throw new OutputsError(`${where}: field "${field}" must be ${what}, got ${JSON.stringify(value)}`);
  return value;
}

function instanceId(value: JsonObject, at: string): string | undefined {
  // Optional; absent (or null) means unknown: host keys are then pinned to the IP.
  if (!('instance_id' in value) || value.instance_id === null) return undefined;
  const id = value.instance_id;
  if (typeof id !== 'string' || !INSTANCE_ID.test(id)) {
    throw new OutputsError(
      `${at}: field "instance_id" must be a GCE instance id (a string of digits), got ${describe(id)}`,
    );
  }
  return id;
}

function optionalIp(value: JsonObject, field: string, at: string): { external_ip?: string } {
  if (!(field in value) || value[field] === null) return {};
  return { external_ip: requireMatch(value, field, at, (v) => isIP(v) !== 0, 'an IP address') };
}

function parseHost(key: string, value: unknown, where: string): HostOutput {
  const at = `${where}.hosts["${key}"]`;
  if (!isObject(value)) throw new OutputsError(`${at}: must be an object, got ${describe(value)}`);
  const name = requireString(value, 'name', at);
  if (name !== key) throw new OutputsError(`${at}: field "name" is ${JSON.stringify(name)}, expected the key "${key}"`);
  if (!RFC1035_NAME.test(name)) {
    throw new OutputsError(`${at}: "${name}" is not a valid instance name (lowercase letters, digits, hyphens)`);
  }
  const ip = (v: string) => isIP(v) !== 0;
  const zone = requireMatch(value, 'zone', at, (v) => ZONE.test(v), 'a zone such as europe-west1-b');
  const host = {
    name,
    zone,
    ...optionalIp(value, 'external_ip', at),
    internal_ip: requireMatch(value, 'internal_ip', at, ip, 'an IP address'),
    app_url: requireMatch(value, 'app_url', at, (v) => /^https?:\/\/\S+$/.test(v), 'an http:// URL'),
    ssh: requireMatch(value, 'ssh', at, (v) => /^\S+$/.test(v), 'an SSH destination (user@address or an alias)'),
    docker_host: requireMatch(value, 'docker_host', at, (v) => /^ssh:\/\/\S+$/.test(v), 'an ssh:// URL'),
  };
  const id = instanceId(value, at);
  return id === undefined ? host : { ...host, instance_id: id };
}

function requireOutput(raw: JsonObject, name: string, where: string): unknown {
  if (!(name in raw)) throw new OutputsError(`${where}: missing output "${name}"`);
  return raw[name];
}

function parseHosts(raw: JsonObject, where: string): Record<string, HostOutput> {
  const rawHosts = requireOutput(raw, 'hosts', where);
  if (!isObject(rawHosts)) {
    throw new OutputsError(`${where}: output "hosts" must be an object keyed by host name, got ${describe(rawHosts)}`);
  }
  const hosts: Record<string, HostOutput> = {};
  for (const key of Object.keys(rawHosts).sort()) hosts[key] = parseHost(key, rawHosts[key], where);
  return hosts;
}

function parseScalars(raw: JsonObject, where: string) {
  const appUrls = requireOutput(raw, 'app_urls', where);
  if (!Array.isArray(appUrls) || !appUrls.every((u): u is string => typeof u === 'string')) {
    throw new OutputsError(`${where}: output "app_urls" must be a list of strings, got ${describe(appUrls)}`);
  }
  const sshUser = requireString(raw, 'ssh_user', where, 'output');
  if (!USER_NAME.test(sshUser)) {
    throw new OutputsError(`${where}: output "ssh_user" ${JSON.stringify(sshUser)} is not a valid user name`);
  }
  const appPort = requireOutput(raw, 'app_port', where);
  if (typeof appPort !== 'number' || !Number.isInteger(appPort) || appPort < 1 || appPort > 65535) {
    throw new OutputsError(`${where}: output "app_port" must be a port number (1-65535), got ${describe(appPort)}`);
  }
  const environment = requireString(raw, 'environment', where, 'output');
  if (!ENV_NAME.test(environment)) {
    throw new OutputsError(
      `${where}: output "environment" ${JSON.stringify(environment)} must match ${ENV_NAME.source}`,
    );
  }
  return { app_urls: [...appUrls], ssh_user: sshUser, app_port: appPort, environment };
}

const URL_RE = /^https?:\/\/[^\s/]+$/;

function parseEnvironmentUrl(
  raw: JsonObject,
  where: string,
): Pick<StackOutputs, 'app_url' | 'exposure' | 'app_health_path'> {
  const result: { app_url?: string; exposure?: Exposure; app_health_path?: string } = {};
  if ('app_url' in raw)
    result.app_url = requireMatch(raw, 'app_url', where, (v) => URL_RE.test(v), 'an http(s):// URL without a path');
  if ('exposure' in raw) {
    if (raw.exposure !== 'load-balancer' && raw.exposure !== 'public-ips') {
      throw new OutputsError(
        `${where}: output "exposure" must be "load-balancer" or "public-ips", got ${describe(raw.exposure)}`,
      );
    }
    result.exposure = raw.exposure;
  }
  if (result.exposure === 'load-balancer' && result.app_url === undefined) {
    throw new OutputsError(`${where}: output "exposure" is "load-balancer" but output "app_url" is missing`);
  }
  if ('app_health_path' in raw) {
    result.app_health_path = requireMatch(
      raw,
      'app_health_path',
      where,
      (v) => /^\/\S*$/.test(v),
      'a path starting with "/"',
    );
  }
  return result;
}

function parseSshRoute(raw: JsonObject, where: string): Pick<StackOutputs, 'ssh_via' | 'project'> {
  const via = raw.ssh_via;
  if ('ssh_via' in raw && via !== 'direct' && via !== 'iap') {
    throw new OutputsError(`${where}: output "ssh_via" must be "direct" or "iap", got ${describe(via)}`);
  }
  const project = 'project' in raw ? requireString(raw, 'project', where, 'output') : undefined;
  if (project !== undefined && !PROJECT_ID.test(project)) {
    throw new OutputsError(`${where}: output "project" ${JSON.stringify(project)} is not a Google Cloud project ID`);
  }
  if (via === 'iap' && project === undefined) {
    throw new OutputsError(`${where}: output "ssh_via" is "iap" but output "project" is missing`);
  }
  return {
    ...(via === undefined ? {} : { ssh_via: via as SshVia }),
    ...(project === undefined ? {} : { project }),
  };
}

/**
 * Validates the outputs file content (already JSON-parsed) and returns the outputs of `stack`.
 * Throws OutputsError naming the missing or malformed field.
 */
export function parseStackOutputs(json: unknown, stack: string): StackOutputs {
  if (!isObject(json)) {
    throw new OutputsError(`outputs must be a JSON object keyed by stack name, got ${describe(json)}`);
  }
  const raw = json[stack];
  if (raw === undefined) {
    const found = Object.keys(json).sort();
    throw new OutputsError(
      `outputs have no stack "${stack}" (stacks found: ${found.length > 0 ? found.join(', ') : 'none'})`,
    );
  }
  const where = `stack "${stack}"`;
  if (!isObject(raw)) throw new OutputsError(`${where}: outputs must be an object, got ${describe(raw)}`);
  return {
    hosts: parseHosts(raw, where),
    ...parseScalars(raw, where),
    ...parseEnvironmentUrl(raw, where),
    ...parseSshRoute(raw, where),
  };
}

/** Hosts in name order. */
export function hostList(outputs: StackOutputs): HostOutput[] {
  return Object.keys(outputs.hosts)
    .sort()
    .map((name) => outputs.hosts[name]);
}
