/**
 * Fleet status rows -> what `status <env>` prints: a table (one row per host) or JSON (`--json`).
 * Pure functions.
 */
import type { HostStatus } from './fleet-status';
import { alignColumns } from '../../lib/text-table';

export const TABLE_COLUMNS = [
  'HOST',
  'OS',
  'DOCKER',
  'APP',
  'RELEASE',
  'IMAGE',
  'UP',
  'RESTARTS',
  'SEC-UPD',
  'REBOOT',
  'DISK',
  'ANSWERS',
] as const;

/** 93784 -> "1d2h", 7260 -> "2h1m", 59 -> "0m". */
export function formatUptime(seconds: number | null): string {
  if (seconds === null) return '?';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d${h}h`;
  return h > 0 ? `${h}h${m}m` : `${m}m`;
}

/** The registry digest (or, for a loaded image, the image id), shortened: "sha256:0123456789ab". */
export function shortImage(s: HostStatus): string {
  const ref = s.app?.digest ?? s.app?.imageId;
  if (ref === undefined) return '-';
  const m = /sha256:([0-9a-f]{12})/.exec(ref);
  return m ? `sha256:${m[1]}` : ref;
}

const show = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? '?' : String(v);

function cells(s: HostStatus): string[] {
  if (!s.reachable || s.error !== null)
    return [s.host, `${s.reachable ? 'error' : 'unreachable'}: ${s.error}`];
  const reboot = s.rebootRequired === null ? '?' : s.rebootRequired ? 'required' : 'no';
  return [
    s.host,
    s.osCodename ?? show(s.os),
    show(s.dockerVersion),
    s.app ? s.app.state : 'missing',
    show(s.app?.release),
    shortImage(s),
    formatUptime(s.uptimeSeconds),
    show(s.app?.restartCount),
    show(s.securityUpdates),
    reboot,
    s.rootDiskUsedPercent === null ? '?' : `${s.rootDiskUsedPercent}%`,
    s.appAnswers ? 'yes' : `no (${show(s.appHttpStatus)})`,
  ];
}

/** Aligned columns; a row that has no report is the host and its error. */
export function formatFleetTable(rows: readonly HostStatus[]): string {
  return `${alignColumns([[...TABLE_COLUMNS], ...rows.map(cells)]).join('\n')}\n`;
}

/** `--json`: `{ "hosts": [ <HostStatus>, ... ] }`, hosts sorted by name. */
export function formatFleetJson(rows: readonly HostStatus[]): string {
  return JSON.stringify({ hosts: rows }, null, 2) + '\n';
}
