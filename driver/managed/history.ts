/**
 * A managed fleet's release history, which every operator shares: one object per rolled release (its check passed)
 * in the environment's state bucket, under the environment's own state prefix
 * (`gs://<project>-tfstate/docker-hosts/<env>/releases/<UTC time>-<digest prefix>.json`), written by the operator's
 * gcloud identity. Pure: where the records live, a record, its defensive parse, and which release `rollback` goes
 * back to from the one the group runs.
 */
import type { EnvironmentConfig } from '../../config';
import { IMAGE_BY_DIGEST } from '../../stacks/managed-outputs';

/** One rolled release: when its check passed (UTC, ISO), who rolled which commit, the image, its template. */
export interface ManagedRelease {
  readonly time: string;
  readonly who: string;
  readonly commit: string;
  readonly image: string;
  /** The instance template the stack's outputs named when it rolled (absent when they could not be read). */
  readonly template?: string;
}

/** The folder of an environment's release records: beside its Terraform state (`config.state`). */
export function releaseHistoryUrl(env: Pick<EnvironmentConfig, 'state'>): string {
  return `gs://${env.state.bucket}/${env.state.prefix}/releases`;
}

/** The record's own object: its time (compact, so names sort by time) and its digest's first 12 hex digits. */
export function releaseObjectUrl(
  env: Pick<EnvironmentConfig, 'state'>,
  release: ManagedRelease,
): string {
  const stamp = release.time.replace(/[-:]/g, '');
  const digest = release.image.split('@sha256:')[1].slice(0, 12);
  return `${releaseHistoryUrl(env)}/${stamp}-${digest}.json`;
}

/** A record as its object holds it: one JSON line. */
export function releaseRecord(release: ManagedRelease): string {
  return `${JSON.stringify(release)}\n`;
}

/** What `gcloud storage cat` says when no object matches (nothing recorded yet): an empty history, no error. */
export const NO_OBJECTS = /matched no objects or files/;

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function parseRecord(line: string): ManagedRelease | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const { time, who, commit, image, template } = r;
  if (typeof time !== 'string' || !ISO_UTC.test(time) || Number.isNaN(Date.parse(time)))
    return undefined;
  if (typeof who !== 'string' || typeof commit !== 'string') return undefined;
  if (typeof image !== 'string' || !IMAGE_BY_DIGEST.test(image)) return undefined;
  if (template !== undefined && typeof template !== 'string') return undefined;
  return template === undefined
    ? { time, who, commit, image }
    : { time, who, commit, image, template };
}

/** The records `gcloud storage cat` printed, oldest first; what is not a record is counted and skipped. */
export function parseHistory(text: string): { releases: ManagedRelease[]; skipped: number } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const releases = lines.flatMap((l) => parseRecord(l) ?? []);
  // Array.prototype.sort is stable: records of the same instant keep their objects' name order.
  releases.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return { releases, skipped: lines.length - releases.length };
}

/** Where the newest record of `image` is in the history, -1 when it has none. */
function newestOf(history: readonly ManagedRelease[], image: string): number {
  return history.map((r) => r.image).lastIndexOf(image);
}

/** The template (of those the hosts run) whose image was rolled last, '' when none is in the history. */
export function currentTemplate(
  images: ReadonlyMap<string, string>,
  history: readonly ManagedRelease[],
): string {
  let current = '';
  let newest = -1;
  for (const [template, image] of images) {
    const at = newestOf(history, image);
    if (at > newest) [current, newest] = [template, at];
  }
  return current;
}

/** A release `rollback` rolls: its image, and its record when the history has one. */
export interface RollbackTarget {
  readonly image: string;
  readonly record?: ManagedRelease;
}

/** The named release: the newest record whose commit starts with it, or whose image is or ends with it. */
function namedTarget(history: readonly ManagedRelease[], version: string): RollbackTarget | string {
  const record = [...history]
    .reverse()
    .find(
      (r) =>
        (r.commit !== '' && r.commit.startsWith(version)) ||
        r.image === version ||
        r.image.endsWith(version),
    );
  if (record !== undefined) return { image: record.image, record };
  if (IMAGE_BY_DIGEST.test(version)) return { image: version };
  return `no recorded release matches ${JSON.stringify(version)} (a commit prefix, digest or image of "releases", or an image by digest)`;
}

const NAME_IT = 'name the release to roll to: rollback <env> <commit prefix, digest or image>';

/**
 * The release `rollback` goes back to: the named one, else (from the one image every host of the group runs, the
 * live release) the newest record older than the live release's newest record whose image differs from it.
 */
export function rollbackTarget(
  history: readonly ManagedRelease[],
  live: readonly string[],
  version: string | undefined,
): RollbackTarget | string {
  if (version !== undefined) return namedTarget(history, version);
  if (live.length === 0) return `the group has no hosts, so no live release: ${NAME_IT}`;
  if (live.length > 1)
    return `the group's hosts run ${live.length} releases (${live.join(', ')}), a rollout under way or stopped: ${NAME_IT}`;
  const at = newestOf(history, live[0]);
  if (at < 0)
    return `the live release ${live[0]} is not in the recorded history (rolled outside the driver?): ${NAME_IT}`;
  const record = history
    .slice(0, at)
    .reverse()
    .find((r) => r.image !== live[0]);
  if (record === undefined)
    return `no recorded release before the live one (${live[0]}, rolled ${history[at].time} by ${history[at].who})`;
  return { image: record.image, record };
}
