/**
 * Fleet status: the per-host JSON reports that `ansible/playbooks/status.yml` writes
 * (`<status_dir>/<host>.json`, made by `ansible/roles/app/files/host_status.py`, schema 1)
 * -> one row per host, as a table or as JSON for scripts.
 *
 * Pure functions: no I/O. driver/fleet/fleet-status-cli.ts (and the driver's `status <env>`) read the files.
 */
import { isObj, JsonReader, type Obj } from '../../lib/json-reader';

/** The app container on a host, as the collector saw it. */
export interface AppContainer {
  readonly name: string;
  /** Docker's state: running, restarting, exited, ... */
  readonly state: string;
  readonly startedAt: string;
  readonly restartCount: number;
  /** The image reference the container was started from, e.g. `acme/app:1.4`. */
  readonly image: string;
  readonly imageId: string;
  /** `repo@sha256:...` when the image came from a registry; null for a loaded archive. */
  readonly digest: string | null;
  /** The image's `org.opencontainers.image.version` label, else its tag. */
  readonly release: string | null;
}

/** One host's row. Fields are null when the host could not be read or that part failed (see `errors`). */
export interface HostStatus {
  readonly host: string;
  readonly reachable: boolean;
  /** Why there is no report (unreachable, collector failed, no report written). */
  readonly error: string | null;
  readonly os: string | null;
  readonly osCodename: string | null;
  readonly kernel: string | null;
  readonly uptimeSeconds: number | null;
  readonly dockerVersion: string | null;
  /** null: no such container (or Docker unreadable). */
  readonly app: AppContainer | null;
  readonly appUrl: string | null;
  readonly appHttpStatus: number | null;
  readonly appAnswers: boolean;
  readonly securityUpdates: number | null;
  readonly securityPackages: readonly string[];
  readonly aptListsUpdatedAt: string | null;
  readonly rebootRequired: boolean | null;
  readonly rebootPackages: readonly string[];
  readonly rootDiskUsedPercent: number | null;
  readonly collectedAt: string | null;
  /** Parts of the report the collector could not read, by part. */
  readonly errors: Readonly<Record<string, string>>;
}

/** A malformed report; the message names the host and the field. */
export class FleetStatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetStatusError';
  }
}

export const REPORT_SCHEMA = 1;

const TOP_FIELDS = [
  'schema',
  'host',
  'reachable',
  'error',
  'collected_at',
  'os',
  'kernel',
  'uptime_seconds',
  'docker_version',
  'app',
  'app_http',
  'security_updates',
  'reboot_required',
  'root_disk',
  'errors',
];

function readApp(r: JsonReader): AppContainer | null {
  const a = r.sub('app', [
    'name',
    'state',
    'started_at',
    'restart_count',
    'image',
    'image_id',
    'digest',
    'release',
  ]);
  if (a === null) return null;
  return {
    name: a.str('name'),
    state: a.str('state'),
    startedAt: a.str('started_at'),
    restartCount: a.num('restart_count') as number,
    image: a.str('image'),
    imageId: a.str('image_id'),
    digest: a.strOrNull('digest'),
    release: a.strOrNull('release'),
  };
}

// The parts host_status.py reports a failure for.
const ERROR_PARTS = [
  'os',
  'uptime',
  'docker',
  'app',
  'app_http',
  'security_updates',
  'reboot_required',
  'root_disk',
];

function readErrors(r: JsonReader, obj: Obj): Record<string, string> {
  const errors = r.sub('errors', ERROR_PARTS);
  const out: Record<string, string> = {};
  if (errors !== null) for (const key of Object.keys(obj.errors as Obj)) out[key] = errors.str(key);
  return out;
}

/** A host without a usable report: unreachable, or the collector failed. */
export function unreachableHost(host: string, error: string, reachable = false): HostStatus {
  return {
    host,
    reachable,
    error,
    os: null,
    osCodename: null,
    kernel: null,
    uptimeSeconds: null,
    dockerVersion: null,
    app: null,
    appUrl: null,
    appHttpStatus: null,
    appAnswers: false,
    securityUpdates: null,
    securityPackages: [],
    aptListsUpdatedAt: null,
    rebootRequired: null,
    rebootPackages: [],
    rootDiskUsedPercent: null,
    collectedAt: null,
    errors: {},
  };
}

/** Parses one report (the parsed JSON of `<host>.json`). Throws FleetStatusError on a malformed one. */
export function parseHostReport(host: string, json: unknown): HostStatus {
  if (!isObj(json))
    throw new FleetStatusError(`status of host "${host}": the report must be a JSON object`);
  const r = new JsonReader(`status of host "${host}"`, json, (m) => new FleetStatusError(m)).only(
    TOP_FIELDS,
  );
  if (r.str('host') !== host)
    throw new FleetStatusError(`status of host "${host}": the report names another host`);
  const reachable = r.bool('reachable');
  const error = r.strOrNull('error');
  if (!reachable || error !== null) return unreachableHost(host, error ?? 'unreachable', reachable);
  if (json.schema !== REPORT_SCHEMA) {
    throw new FleetStatusError(
      `status of host "${host}": field "schema" must be ${REPORT_SCHEMA} (got ${json.schema})`,
    );
  }
  const os = r.sub('os', ['id', 'version_id', 'codename', 'pretty_name']);
  const http = r.sub('app_http', ['url', 'status', 'answers']);
  const updates = r.sub('security_updates', ['pending', 'packages', 'lists_updated_at']);
  const reboot = r.sub('reboot_required', ['required', 'packages']);
  const disk = r.sub('root_disk', ['size_bytes', 'used_bytes', 'used_percent']);
  return {
    host,
    reachable,
    error: null,
    os: os?.strOrNull('pretty_name') ?? null,
    osCodename: os?.strOrNull('codename') ?? null,
    kernel: r.strOrNull('kernel'),
    uptimeSeconds: r.num('uptime_seconds', true),
    dockerVersion: r.strOrNull('docker_version'),
    app: readApp(r),
    appUrl: http?.str('url') ?? null,
    appHttpStatus: http?.num('status', true) ?? null,
    appAnswers: http?.bool('answers') ?? false,
    securityUpdates: updates?.num('pending') ?? null,
    securityPackages: updates?.strings('packages') ?? [],
    aptListsUpdatedAt: updates?.strOrNull('lists_updated_at') ?? null,
    rebootRequired: reboot?.bool('required') ?? null,
    rebootPackages: reboot?.strings('packages') ?? [],
    rootDiskUsedPercent: disk?.num('used_percent') ?? null,
    collectedAt: r.strOrNull('collected_at'),
    errors: readErrors(r, json),
  };
}

/**
 * The fleet from the reports found: one row per expected host, sorted by name. A host without a
 * report gets a row saying so; a report for a host that is not expected is an error.
 * `reports` maps host name -> the report's text.
 */
export function fleetStatus(
  expected: readonly string[],
  reports: Readonly<Record<string, string>>,
): HostStatus[] {
  const stray = Object.keys(reports).find((h) => !expected.includes(h));
  if (stray !== undefined)
    throw new FleetStatusError(`status: a report for "${stray}", which is not in the inventory`);
  return [...expected].sort().map((host) => {
    const text = reports[host];
    if (text === undefined)
      return unreachableHost(host, 'no report (the status play did not reach this host)');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new FleetStatusError(`status of host "${host}": the report is not valid JSON`);
    }
    return parseHostReport(host, json);
  });
}

/** Whether a host needs no attention: reachable, app answering, no reboot or security update pending. */
export function hostHealthy(s: HostStatus): boolean {
  return (
    s.reachable &&
    s.error === null &&
    s.appAnswers &&
    s.rebootRequired === false &&
    s.securityUpdates === 0
  );
}
