/**
 * The release records the app role writes on each host (ansible/roles/app/files/app-releases: one JSON object a
 * line) as `releases <env>` reads them: parsed per host, and shown as one table or as JSON. Pure.
 */
import { alignColumns } from '../../lib/text-table';

/** Where the records are on a host: the app role's `app_releases_file` default (a test keeps the two equal). */
export const RELEASES_FILE = '/var/lib/docker-hosts/releases.jsonl';

export interface ReleaseRecord {
  readonly host: string;
  readonly time: string;
  readonly who: string;
  readonly action: string;
  readonly commit: string;
  readonly image: string;
  readonly digest: string;
  readonly result: string;
}

/** One host's answer: its records, or why there are none. */
export interface HostReleases {
  readonly host: string;
  readonly records: readonly ReleaseRecord[];
  /** Unreachable, or a line that is not a record. */
  readonly error?: string;
}

const FIELDS = ['time', 'who', 'action', 'commit', 'image', 'digest', 'result'] as const;

/** The records in a releases file's text; a malformed line is an error naming its number. */
export function parseReleases(host: string, text: string): HostReleases {
  const records: ReleaseRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(lines[i]);
    } catch {
      return { host, records, error: `line ${i + 1} of ${RELEASES_FILE} is not JSON` };
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return { host, records, error: `line ${i + 1} of ${RELEASES_FILE} is not a record` };
    }
    const r = raw as Record<string, unknown>;
    const field = (f: (typeof FIELDS)[number]) =>
      typeof r[f] === 'string' ? (r[f] as string) : '';
    records.push({
      host,
      ...(Object.fromEntries(FIELDS.map((f) => [f, field(f)])) as Omit<ReleaseRecord, 'host'>),
    });
  }
  return { host, records };
}

/** Every record of every host, oldest first (then by host). */
export function allRecords(hosts: readonly HostReleases[]): ReleaseRecord[] {
  return hosts
    .flatMap((h) => h.records)
    .sort((a, b) => (a.time === b.time ? a.host.localeCompare(b.host) : a.time < b.time ? -1 : 1));
}

/** The table: one row a record, digests and commits shortened to 12 characters; a row per host that failed. */
export function formatReleases(hosts: readonly HostReleases[]): string {
  const head = ['TIME', 'HOST', 'ACTION', 'COMMIT', 'DIGEST', 'WHO', 'RESULT'];
  const short = (s: string) => (s.startsWith('sha256:') ? s.slice(7, 19) : s.slice(0, 12)) || '-';
  const rows = allRecords(hosts).map((r) => [
    r.time,
    r.host,
    r.action,
    short(r.commit),
    short(r.digest),
    r.who || '-',
    r.result,
  ]);
  const problems = hosts.filter((h) => h.error !== undefined).map((h) => `${h.host}: ${h.error}\n`);
  const empty = hosts
    .filter((h) => h.error === undefined && h.records.length === 0)
    .map((h) => `${h.host}: no releases yet\n`);
  return [...alignColumns([head, ...rows]).map((l) => `${l}\n`), ...empty, ...problems].join('');
}
