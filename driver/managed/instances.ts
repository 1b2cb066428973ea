/**
 * The instances of a managed group as `gcloud compute instance-groups managed list-instances --format=json` prints
 * them (the API's ManagedInstance: `instance` URL, `instanceStatus`, `currentAction`, `version.instanceTemplate`,
 * `instanceHealth[].detailedHealthState`), parsed strictly, and the tables `status` and `releases` show. Pure.
 */
import { alignColumns } from '../../lib/text-table';

export interface GroupInstance {
  readonly name: string;
  readonly zone: string;
  /** RUNNING, STAGING, STOPPING, … */
  readonly status: string;
  /** NONE when settled; CREATING, RECREATING, DELETING, VERIFYING, … while the group acts on it. */
  readonly action: string;
  /** The template's name (the last part of its URL): which release the host runs. */
  readonly template: string;
  /** HEALTHY, UNHEALTHY, TIMEOUT, UNKNOWN, DRAINING; `-` before the health check has judged it. */
  readonly health: string;
}

/** Thrown for output that is not what gcloud prints; the message names the entry and the field. */
export class InstancesError extends Error {
  override name = 'InstancesError';
}

const INSTANCE_URL = /\/zones\/([a-z]+-[a-z]+[0-9]+-[a-z])\/instances\/([a-z][-a-z0-9]*)$/;

function text(obj: Record<string, unknown>, field: string, at: string): string {
  const value = obj[field];
  if (typeof value !== 'string' || value === '')
    throw new InstancesError(`${at}: "${field}" must be a non-empty string`);
  return value;
}

function parseOne(raw: unknown, i: number): GroupInstance {
  const at = `instance ${i + 1}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new InstancesError(`${at}: must be an object`);
  const r = raw as Record<string, unknown>;
  const url = INSTANCE_URL.exec(text(r, 'instance', at));
  if (url === null) throw new InstancesError(`${at}: "instance" is not an instance URL`);
  const version = r.version as Record<string, unknown> | undefined;
  const template = typeof version?.instanceTemplate === 'string' ? version.instanceTemplate : '';
  const health = Array.isArray(r.instanceHealth)
    ? (r.instanceHealth as Record<string, unknown>[]).map((h) => String(h.detailedHealthState))
    : [];
  return {
    name: url[2],
    zone: url[1],
    status: typeof r.instanceStatus === 'string' ? r.instanceStatus : '-',
    action: text(r, 'currentAction', at),
    template: template.split('/').pop() || '-',
    health: health.join(',') || '-',
  };
}

/** The instances in list-instances' JSON, by name. */
export function parseInstances(json: string): GroupInstance[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new InstancesError('list-instances did not print JSON');
  }
  if (!Array.isArray(raw)) throw new InstancesError('list-instances did not print a JSON list');
  return raw.map(parseOne).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Settled and serving: running, no pending action, healthy. */
export function serving(i: GroupInstance): boolean {
  return i.status === 'RUNNING' && i.action === 'NONE' && i.health === 'HEALTHY';
}

/** `status`: one row per host of the group. */
export function formatInstances(instances: readonly GroupInstance[]): string {
  const head = ['host', 'zone', 'status', 'action', 'health', 'template (release)'];
  const rows = instances.map((i) => [i.name, i.zone, i.status, i.action, i.health, i.template]);
  return `${alignColumns([head, ...rows]).join('\n')}\n`;
}

/** One release the group runs: a template, its image (from the template's metadata) and its hosts. */
export interface TemplateRelease {
  readonly template: string;
  readonly image: string;
  readonly hosts: readonly string[];
  readonly healthy: number;
}

/** The instances grouped by template, the group's current template last. */
export function releasesOf(
  instances: readonly GroupInstance[],
  images: ReadonlyMap<string, string>,
  current: string,
): TemplateRelease[] {
  const templates = [...new Set(instances.map((i) => i.template))].sort((a, b) =>
    a === current ? 1 : b === current ? -1 : a < b ? -1 : 1,
  );
  return templates.map((template) => {
    const hosts = instances.filter((i) => i.template === template);
    return {
      template,
      image: images.get(template) ?? '-',
      hosts: hosts.map((h) => h.name),
      healthy: hosts.filter(serving).length,
    };
  });
}

/** `releases`: one row per template the group's hosts run. */
export function formatReleases(releases: readonly TemplateRelease[], current: string): string {
  const head = ['template', 'image', 'hosts', 'serving', ''];
  const rows = releases.map((r) => [
    r.template,
    r.image,
    String(r.hosts.length),
    String(r.healthy),
    r.template === current ? 'current' : '',
  ]);
  return `${alignColumns([head, ...rows]).join('\n')}\n`;
}
