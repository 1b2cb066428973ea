/**
 * One run per environment at a time on this machine. Terraform's state lock guards the cloud side; this guards the
 * local steps (run folder, inventory, the Ansible run). The lock is a file holding the owner's PID: a lock whose
 * process is gone is stale and is taken over, with a note.
 *
 * Takeover is safe against two runs that see the same stale lock at once: the stale file is first renamed aside
 * (atomic; only one of them can move a given file), and what was moved is read again. If it turns out to be a live
 * lock (another run took over in between), it is put back with link() — which fails rather than overwrite a lock
 * that appeared meanwhile — and this run refuses. Only then is a new lock created, with O_EXCL.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** An unreadable lock younger than this is being written, not stale. */
const FRESH_MS = 5000;

export interface LockInfo {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
}

export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockInfo,
    /** Why the lock exists, a line shown with the refusal. */
    readonly why?: string,
  ) {
    super(
      `another run holds ${path}: pid ${holder.pid} (${holder.command}), started ${holder.startedAt}.\n` +
        (why === undefined ? '' : `${why}\n`) +
        `Wait for it to finish. If that process is not a driver run any more, delete ${path}.`,
    );
    this.name = 'LockHeldError';
  }
}

/** Whether a process with this PID exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return {
      pid: Number(parsed.pid),
      command: String(parsed.command ?? '?'),
      startedAt: String(parsed.startedAt ?? '?'),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Unreadable: being written by a run that is starting right now, or left half-written by a crash.
    let age = Infinity;
    try {
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
    return age < FRESH_MS
      ? { pid: 0, command: 'another run that is starting', startedAt: 'just now' }
      : { pid: -1, command: 'unreadable lock file', startedAt: '?' };
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
  /** Shown with a refusal: why the lock exists. */
  readonly why?: string;
  /**
   * Test hook: called after a lock was judged stale, just before it is taken over; a test starts a competing
   * acquisition here to replay the interleaving of two runs.
   */
  readonly beforeTakeover?: () => void;
}

/** Whether a lock file's holder is running (or the file is being written by a run that is starting). */
function isLive(holder: LockInfo, alive: (pid: number) => boolean): boolean {
  return holder.pid === 0 || (holder.pid > 0 && alive(holder.pid));
}

/** Takes the lock or throws LockHeldError. */
export function acquireLock(path: string, command: string, options: LockOptions = {}): Lock {
  const info: LockInfo = {
    pid: options.pid ?? process.pid,
    command,
    startedAt: (options.now ?? new Date()).toISOString(),
  };
  const alive = options.alive ?? processAlive;
  mkdirSync(dirname(path), { recursive: true });
  let replaced: LockInfo | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(info)}\n`, { flag: 'wx' });
      let released = false;
      return {
        path,
        replaced,
        release() {
          if (released) return;
          released = true;
          const current = readLock(path);
          if (current?.pid === info.pid && current.startedAt === info.startedAt) unlinkSync(path);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(path);
      if (holder === undefined) continue; // released between our two calls: try again
      if (isLive(holder, alive)) throw new LockHeldError(path, holder, options.why);
      options.beforeTakeover?.();
      const stale = takeOver(path, info.pid, alive, options.why);
      if (stale !== undefined) replaced = stale;
    }
  }
  throw new Error(`could not take the lock ${path}: it keeps changing; is another run starting?`);
}

/**
 * Moves a stale lock out of the way. Returns what it held, or undefined when the file was gone already (someone
 * else removed it: the caller just retries). Throws LockHeldError when what was moved is a live lock: another run
 * took over between our check and the move; its lock is restored.
 */
function takeOver(
  path: string,
  pid: number,
  alive: (pid: number) => boolean,
  why: string | undefined,
): LockInfo | undefined {
  const aside = join(dirname(path), `.${basename(path)}.stale-${pid}-${randomBytes(4).toString('hex')}`);
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const moved = readLock(aside);
  if (moved !== undefined && isLive(moved, alive)) {
    try {
      linkSync(aside, path); // fails with EEXIST rather than replace a lock created meanwhile
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    unlinkSync(aside);
    throw new LockHeldError(path, moved, why);
  }
  try {
    unlinkSync(aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return moved;
}
