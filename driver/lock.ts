/**
 * One run per environment at a time on this machine, Kamal-style: the lock is a directory (mkdir is atomic) with a
 * details file saying who holds it, since when and why. Terraform's state lock guards the cloud side; this guards
 * the local steps (run folder, inventory, the Ansible run). A lock whose process is gone is taken over with a note;
 * `lock status <env>` shows a lock and `lock release <env>` removes one by hand.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** A lock without details younger than this is being written, not stale. */
const FRESH_MS = 5000;

export interface LockInfo {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
  readonly holder?: string;
}

export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(path: string, holder: LockInfo, { why, release }: Pick<LockOptions, 'why' | 'release'> = {}) {
    super(
      `another run holds ${path}: pid ${holder.pid} (${holder.command}), started ${holder.startedAt}` +
        `${holder.holder ? ` by ${holder.holder}` : ''}.\n${why === undefined ? '' : `${why}\n`}` +
        `Wait for it to finish. If that process is not a driver run any more: ${release ?? `rm -r ${path}`}`,
    );
  }
}

export interface Lock {
  readonly path: string;
  /** Set when a stale lock was taken over: what it said. */
  readonly replaced?: LockInfo;
  release(): void;
}

export interface LockOptions {
  readonly pid?: number;
  readonly now?: Date;
  /** Injectable for tests. */
  readonly alive?: (pid: number) => boolean;
  /** Shown with a refusal: why the lock exists, and the command that releases it by hand. */
  readonly why?: string;
  readonly release?: string;
}

/** Whether a process with this PID exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    return pid > 0 && process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const detailsFile = (path: string) => join(path, 'details.json');

/** Who runs the driver; `?` where the user has no passwd entry (some containers). */
function user(): string {
  try {
    return userInfo().username;
  } catch {
    return '?';
  }
}

/** What a lock says; undefined when there is no lock. A lock without readable details is starting or broken. */
export function readLock(path: string): LockInfo | undefined {
  let age: number;
  try {
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(readFileSync(detailsFile(path), 'utf8')) as LockInfo;
    return { ...parsed, pid: Number(parsed.pid) };
  } catch {
    return age < FRESH_MS
      ? { pid: 0, command: 'another run that is starting', startedAt: 'just now' }
      : { pid: -1, command: 'unreadable lock', startedAt: '?' };
  }
}

/** Starting, or its process runs; a lock taken on another machine (a shared folder) counts as live: `lock release`. */
function isLive(info: LockInfo, alive: (pid: number) => boolean): boolean {
  const elsewhere = info.holder !== undefined && info.holder.slice(info.holder.lastIndexOf('@') + 1) !== hostname();
  return info.pid === 0 || elsewhere || (info.pid > 0 && alive(info.pid));
}

/** Moves a stale lock aside and removes it; puts it back and returns it when it turned out to be live meanwhile. */
function removeStale(path: string, seen: LockInfo, alive: (pid: number) => boolean): LockInfo | undefined {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch {
    return undefined; // gone already: the caller retries
  }
  const moved = readLock(aside);
  if (moved !== undefined && moved.startedAt !== seen.startedAt && isLive(moved, alive)) {
    renameSync(aside, path);
    return moved;
  }
  rmSync(aside, { recursive: true, force: true });
  return undefined;
}

/** Takes the lock or throws LockHeldError. */
export function acquireLock(path: string, command: string, options: LockOptions = {}): Lock {
  const { pid = process.pid, now = new Date(), alive = processAlive } = options;
  const info: LockInfo = { pid, command, startedAt: now.toISOString(), holder: `${user()}@${hostname()}` };
  mkdirSync(dirname(path), { recursive: true });
  let replaced: LockInfo | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      mkdirSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(path);
      if (holder === undefined) continue;
      const live = isLive(holder, alive) ? holder : removeStale(path, holder, alive);
      if (live !== undefined) throw new LockHeldError(path, live, options);
      replaced = holder;
      continue;
    }
    writeFileSync(detailsFile(path), `${JSON.stringify(info)}\n`);
    return { path, replaced, release: () => releaseLock(path, info) };
  }
  throw new Error(`could not take the lock ${path}: it keeps changing; is another run starting?`);
}

/** Removes a lock: only the holder's own (`owner` given), or whatever is there (`lock release`). */
export function releaseLock(path: string, owner?: LockInfo): void {
  const current = readLock(path);
  if (current === undefined) return;
  if (owner !== undefined && (current.pid !== owner.pid || current.startedAt !== owner.startedAt)) return;
  rmSync(path, { recursive: true, force: true });
}
