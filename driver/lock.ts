/**
 * One run per environment at a time on this machine. Terraform's state lock guards the cloud side; this guards the
 * local steps (run folder, inventory, the Ansible run). The lock is a file holding the owner's PID: a lock whose
 * process is gone is stale and is taken over, with a note.
 */
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
  ) {
    super(
      `another run holds ${path}: pid ${holder.pid} (${holder.command}), started ${holder.startedAt}.\n` +
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

/** Takes the lock or throws LockHeldError. `alive` is injectable for tests. */
export function acquireLock(
  path: string,
  command: string,
  options: { pid?: number; now?: Date; alive?: (pid: number) => boolean } = {},
): Lock {
  const info: LockInfo = {
    pid: options.pid ?? process.pid,
    command,
    startedAt: (options.now ?? new Date()).toISOString(),
  };
  const alive = options.alive ?? processAlive;
  mkdirSync(dirname(path), { recursive: true });
  let replaced: LockInfo | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
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
          if (current?.pid === info.pid) unlinkSync(path);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(path);
      if (holder === undefined) continue; // released between our two calls: try again
      if (holder.pid === 0 || (holder.pid > 0 && alive(holder.pid))) throw new LockHeldError(path, holder);
      replaced = holder;
      try {
        unlinkSync(path);
      } catch (unlinkErr) {
        if ((unlinkErr as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkErr;
      }
    }
  }
  throw new Error(`could not take the lock ${path}: it keeps changing; is another run starting?`);
}
