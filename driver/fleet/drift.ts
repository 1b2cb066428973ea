/**
 * Drift: what `ansible-playbook site.yml --check --diff` would change, per host, from Ansible's
 * json stdout callback (ANSIBLE_STDOUT_CALLBACK=json): `{ plays: [{ play, tasks: [{ task, hosts:
 * { <host>: <result> } }] }], stats: { <host>: { changed, failures, unreachable, ... } } }`.
 *
 * A host drifts when a task would change it in check mode. The files come from the results'
 * diffs (`before_header`, the managed path; `after_header` is the controller-side source and is
 * ignored) and their `dest`/`path`. Pure functions: no I/O.
 */
import { isObj, type Obj } from '../../lib/json-reader';

/** One task that would change a host. */
export interface DriftChange {
  /** Ansible's task name, with its role: `docker_host : Write /etc/docker/daemon.json`. */
  readonly task: string;
  /** Files on the host that the task would change (may be empty, e.g. a service restart). */
  readonly files: readonly string[];
}

export interface HostDrift {
  readonly host: string;
  readonly changes: readonly DriftChange[];
  /** Every file of `changes`, sorted, once. */
  readonly files: readonly string[];
  readonly unreachable: boolean;
  /** `<task>: <message>` for each task that failed in check mode. */
  readonly failures: readonly string[];
}

export interface DriftReport {
  /** Sorted by host name. */
  readonly hosts: readonly HostDrift[];
}

/** Output that is not the json callback's. */
export class DriftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriftError';
  }
}

const isPath = (v: unknown): v is string => typeof v === 'string' && v.startsWith('/');

/** The host-side files one module result (or loop item) names. */
export function resultFiles(result: Obj): string[] {
  const files = new Set<string>();
  const diffs = Array.isArray(result.diff) ? result.diff : isObj(result.diff) ? [result.diff] : [];
  for (const d of diffs) {
    if (!isObj(d)) continue;
    if (isPath(d.before_header)) files.add(d.before_header);
    for (const side of [d.before, d.after])
      if (isObj(side) && isPath(side.path)) files.add(side.path);
  }
  for (const key of ['dest', 'path']) if (isPath(result[key])) files.add(result[key] as string);
  return [...files];
}

/** A task result's items: the loop's `results`, else the result itself. */
function items(result: Obj): Obj[] {
  return Array.isArray(result.results) ? result.results.filter(isObj) : [result];
}

interface Acc {
  changes: DriftChange[];
  failures: string[];
}

function addTaskResult(acc: Acc, task: string, result: Obj): void {
  if (result.failed === true && result.unreachable !== true) {
    acc.failures.push(`${task}: ${typeof result.msg === 'string' ? result.msg : 'failed'}`);
  }
  const changed = items(result).filter((r) => r.changed === true);
  if (result.changed !== true && changed.length === 0) return;
  const files = new Set(changed.flatMap(resultFiles));
  acc.changes.push({ task, files: [...files].sort() });
}

function taskName(entry: Obj, where: string): string {
  const task = entry.task;
  if (!isObj(task) || typeof task.name !== 'string')
    throw new DriftError(`${where}: missing "task.name"`);
  return task.name;
}

function collect(json: Obj): Map<string, Acc> {
  const byHost = new Map<string, Acc>();
  const plays = json.plays as unknown[];
  plays.forEach((play, p) => {
    const tasks = isObj(play) ? play.tasks : undefined;
    if (!Array.isArray(tasks)) throw new DriftError(`"plays[${p}].tasks" must be a list`);
    tasks.forEach((entry, t) => {
      const where = `plays[${p}].tasks[${t}]`;
      if (!isObj(entry) || !isObj(entry.hosts)) throw new DriftError(`${where}: missing "hosts"`);
      const name = taskName(entry, where);
      for (const [host, result] of Object.entries(entry.hosts)) {
        if (!isObj(result)) throw new DriftError(`${where}.hosts.${host}: must be an object`);
        const acc = byHost.get(host) ?? { changes: [], failures: [] };
        byHost.set(host, acc);
        addTaskResult(acc, name, result);
      }
    });
  });
  return byHost;
}

/** Parses the json callback's output (already JSON.parse'd). */
export function parseDrift(json: unknown): DriftReport {
  if (!isObj(json) || !Array.isArray(json.plays) || !isObj(json.stats)) {
    throw new DriftError('not the output of the json callback (needs "plays" and "stats")');
  }
  const byHost = collect(json);
  const stats = json.stats;
  const hosts = [...new Set([...Object.keys(stats), ...byHost.keys()])]
    .sort()
    .map((host): HostDrift => {
      const acc = byHost.get(host) ?? { changes: [], failures: [] };
      const s = isObj(stats[host]) ? (stats[host] as Obj) : {};
      return {
        host,
        changes: acc.changes,
        files: [...new Set(acc.changes.flatMap((c) => c.files))].sort(),
        unreachable: typeof s.unreachable === 'number' && s.unreachable > 0,
        failures: acc.failures,
      };
    });
  return { hosts };
}

/** The hosts that would change. */
export function driftedHosts(report: DriftReport): HostDrift[] {
  return report.hosts.filter((h) => h.changes.length > 0);
}

/**
 * The verdict of a report: 0 no drift, 2 drift found, 1 when a host could not be checked (unreachable or a task
 * failed), whether or not others drifted. driver/fleet/drift-cli.ts exits with it; the driver's `drift` maps it to 0, 7, 6.
 */
export function driftExitCode(report: DriftReport): number {
  if (report.hosts.some((h) => h.unreachable || h.failures.length > 0)) return 1;
  return driftedHosts(report).length > 0 ? 2 : 0;
}

/** Human-readable: one block per host. */
export function formatDrift(report: DriftReport): string {
  const lines: string[] = [];
  for (const h of report.hosts) {
    if (h.unreachable) lines.push(`${h.host}: unreachable (not checked)`);
    else if (h.changes.length === 0 && h.failures.length === 0) lines.push(`${h.host}: no drift`);
    else if (h.changes.length > 0) lines.push(`${h.host}: drift in ${h.changes.length} task(s)`);
    for (const c of h.changes)
      lines.push(`  ${c.task}${c.files.length ? `: ${c.files.join(', ')}` : ''}`);
    for (const f of h.failures) lines.push(`  failed in check mode: ${f}`);
  }
  return lines.join('\n') + '\n';
}
