/**
 * The typed parser of the outputs contract (stacks/outputs.ts): what the driver and the inventory generator read
 * `cdktf output|deploy --outputs-file` with. Throws OutputsError naming the stack and the offending field.
 * No cdktf import: the driver loads this file.
 */
import { isIP } from 'node:net';
import type { Exposure } from '../config';
import { PROJECT_ID, RFC1035_NAME, USER_NAME, ZONE } from '../lib/constants';
import type { HostOutput, SshVia, StackOutputs } from './outputs';

/** Thrown for any malformed outputs; the message names the stack and the offending field. */
export class OutputsError extends Error {
  override name = 'OutputsError';
}

type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

export const ENV_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
// GCE instance ids: unsigned 64-bit integers, as a decimal string.
const INSTANCE_ID = /^[0-9]{1,20}$/;

export function requireString(
  obj: JsonObject,
  field: string,
  where: string,
  noun = 'field',
): string {
  if (!(field in obj)) throw new OutputsError(`${where}: missing ${noun} "${field}"`);
  const value = obj[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OutputsError(
      `${where}: ${noun} "${field}" must be a non-empty string, got ${describe(value)}`,
    );
  }
  return value;
}

export function requireMatch(
  obj: JsonObject,
  field: string,
  where: string,
  test: (v: string) => boolean,
  what: string,
) {
  const value = requireString(obj, field, where);
  if (!test(value))
    throw new OutputsError(
      `${where}: field "${field}" must be ${what}, got ${JSON.stringify(value)}`,
    );
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

function dataDisk(value: JsonObject, at: string): { data_disk?: string } {
  // Optional; absent (or null): the host has no data disk.
  if (!('data_disk' in value) || value.data_disk === null) return {};
  const test = (v: string) => RFC1035_NAME.test(v);
  return { data_disk: requireMatch(value, 'data_disk', at, test, 'a GCE device name') };
}

function optionalIp(value: JsonObject, field: string, at: string): { external_ip?: string } {
  if (!(field in value) || value[field] === null) return {};
  return { external_ip: requireMatch(value, field, at, (v) => isIP(v) !== 0, 'an IP address') };
}

function parseHost(key: string, value: unknown, where: string): HostOutput {
  const at = `${where}.hosts["${key}"]`;
  if (!isObject(value)) throw new OutputsError(`${at}: must be an object, got ${describe(value)}`);
  const name = requireString(value, 'name', at);
  if (name !== key)
    throw new OutputsError(
      `${at}: field "name" is ${JSON.stringify(name)}, expected the key "${key}"`,
    );
  if (!RFC1035_NAME.test(name)) {
    throw new OutputsError(
      `${at}: "${name}" is not a valid instance name (lowercase letters, digits, hyphens)`,
    );
  }
  const ip = (v: string) => isIP(v) !== 0;
  const zone = requireMatch(
    value,
    'zone',
    at,
    (v) => ZONE.test(v),
    'a zone such as europe-west1-b',
  );
  const host = {
    name,
    zone,
    ...optionalIp(value, 'external_ip', at),
    internal_ip: requireMatch(value, 'internal_ip', at, ip, 'an IP address'),
    app_url: requireMatch(
      value,
      'app_url',
      at,
      (v) => /^https?:\/\/\S+$/.test(v),
      'an http:// URL',
    ),
    ssh: requireMatch(
      value,
      'ssh',
      at,
      (v) => /^\S+$/.test(v),
      'an SSH destination (user@address or an alias)',
    ),
    docker_host: requireMatch(
      value,
      'docker_host',
      at,
      (v) => /^ssh:\/\/\S+$/.test(v),
      'an ssh:// URL',
    ),
    ...dataDisk(value, at),
  };
  const id = instanceId(value, at);
  return id === undefined ? host : { ...host, instance_id: id };
}

export function requireOutput(raw: JsonObject, name: string, where: string): unknown {
  if (!(name in raw)) throw new OutputsError(`${where}: missing output "${name}"`);
  return raw[name];
}

function parseHosts(raw: JsonObject, where: string): Record<string, HostOutput> {
  const rawHosts = requireOutput(raw, 'hosts', where);
  if (!isObject(rawHosts)) {
    throw new OutputsError(
      `${where}: output "hosts" must be an object keyed by host name, got ${describe(rawHosts)}`,
    );
  }
  const hosts: Record<string, HostOutput> = {};
  for (const key of Object.keys(rawHosts).sort()) hosts[key] = parseHost(key, rawHosts[key], where);
  return hosts;
}

function parseScalars(raw: JsonObject, where: string) {
  const appUrls = requireOutput(raw, 'app_urls', where);
  if (!Array.isArray(appUrls) || !appUrls.every((u): u is string => typeof u === 'string')) {
    throw new OutputsError(
      `${where}: output "app_urls" must be a list of strings, got ${describe(appUrls)}`,
    );
  }
  const sshUser = requireString(raw, 'ssh_user', where, 'output');
  if (!USER_NAME.test(sshUser)) {
    throw new OutputsError(
      `${where}: output "ssh_user" ${JSON.stringify(sshUser)} is not a valid user name`,
    );
  }
  const appPort = requireOutput(raw, 'app_port', where);
  if (typeof appPort !== 'number' || !Number.isInteger(appPort) || appPort < 1 || appPort > 65535) {
    throw new OutputsError(
      `${where}: output "app_port" must be a port number (1-65535), got ${describe(appPort)}`,
    );
  }
  const environment = requireString(raw, 'environment', where, 'output');
  if (!ENV_NAME.test(environment)) {
    throw new OutputsError(
      `${where}: output "environment" ${JSON.stringify(environment)} must match ${ENV_NAME.source}`,
    );
  }
  return { app_urls: [...appUrls], ssh_user: sshUser, app_port: appPort, environment };
}

export const URL_RE = /^https?:\/\/[^\s/]+$/;

function parseEnvironmentUrl(
  raw: JsonObject,
  where: string,
): Pick<StackOutputs, 'app_url' | 'exposure' | 'app_health_path'> {
  const result: { app_url?: string; exposure?: Exposure; app_health_path?: string } = {};
  if ('app_url' in raw)
    result.app_url = requireMatch(
      raw,
      'app_url',
      where,
      (v) => URL_RE.test(v),
      'an http(s):// URL without a path',
    );
  if ('exposure' in raw) {
    if (raw.exposure !== 'load-balancer' && raw.exposure !== 'public-ips') {
      throw new OutputsError(
        `${where}: output "exposure" must be "load-balancer" or "public-ips", got ${describe(raw.exposure)}`,
      );
    }
    result.exposure = raw.exposure;
  }
  if (result.exposure === 'load-balancer' && result.app_url === undefined) {
    throw new OutputsError(
      `${where}: output "exposure" is "load-balancer" but output "app_url" is missing`,
    );
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
    throw new OutputsError(
      `${where}: output "ssh_via" must be "direct" or "iap", got ${describe(via)}`,
    );
  }
  const project = 'project' in raw ? requireString(raw, 'project', where, 'output') : undefined;
  if (project !== undefined && !PROJECT_ID.test(project)) {
    throw new OutputsError(
      `${where}: output "project" ${JSON.stringify(project)} is not a Google Cloud project ID`,
    );
  }
  if (via === 'iap' && project === undefined) {
    throw new OutputsError(`${where}: output "ssh_via" is "iap" but output "project" is missing`);
  }
  return {
    ...(via === undefined ? {} : { ssh_via: via as SshVia }),
    ...(project === undefined ? {} : { project }),
  };
}

/** The raw outputs of `stack` in an outputs file (already JSON-parsed), and how messages name it. */
export function rawStackOutputs(json: unknown, stack: string): { raw: JsonObject; where: string } {
  if (!isObject(json)) {
    throw new OutputsError(
      `outputs must be a JSON object keyed by stack name, got ${describe(json)}`,
    );
  }
  const raw = json[stack];
  if (raw === undefined) {
    const found = Object.keys(json).sort();
    throw new OutputsError(
      `outputs have no stack "${stack}" (stacks found: ${found.length > 0 ? found.join(', ') : 'none'})`,
    );
  }
  const where = `stack "${stack}"`;
  if (!isObject(raw))
    throw new OutputsError(`${where}: outputs must be an object, got ${describe(raw)}`);
  return { raw, where };
}

/**
 * Validates the outputs file content (already JSON-parsed) and returns the outputs of `stack`, a fixed fleet's.
 * Throws OutputsError naming the missing or malformed field.
 */
export function parseStackOutputs(json: unknown, stack: string): StackOutputs {
  const { raw, where } = rawStackOutputs(json, stack);
  if (raw.fleet === 'managed') {
    throw new OutputsError(
      `${where}: is a managed fleet (output "fleet" is "managed"): it has no host list`,
    );
  }
  return {
    hosts: parseHosts(raw, where),
    ...parseScalars(raw, where),
    ...parseEnvironmentUrl(raw, where),
    ...parseSshRoute(raw, where),
  };
}
