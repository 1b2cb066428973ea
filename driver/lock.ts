/**
 * One run per environment at a time, Kamal-style: the lock is a directory (mkdir is atomic) holding details.json,
 * who holds it since when. Terraform's state lock guards the cloud side; this guards the local steps (run folder,
 * inventory, the Ansible run). A lock whose process is gone from this machine is taken over with a note; any other
 * (taken on another machine sharing the folder, or without readable details) stays until `lock release`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { printable } from './format';

export interface LockInfo {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
  /** user@host; a lock written without it counts as this machine's. */
  readonly holder?: string;
  /** The environment of the run that holds it (older locks: the last word of `command`). */
  readonly environment?: string;
  /** `lock acquire -m`: why it is held by hand (then pid is 0: no process holds it, only `lock release` ends it). */
  readonly message?: string;
}

/** The environment a lock's run works on: its own field, else the last word of its command (`up stage`). */
export function holderEnvironment(info: LockInfo): string | undefined {
  if (info.pid <= 0 && info.environment === undefined) return undefined;
  return info.environment ?? /\s(\S+)$/.exec(info.command)?.[1];
}

export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(
    path: string,
    holder: LockInfo,
    { why, release }: Pick<LockOptions, 'why' | 'release'> = {},
  ) {
    const byHand =
      holder.message === undefined ? '' : `, held by hand: "${printable(holder.message)}"`;
    super(
      `another run holds ${path}: pid ${holder.pid} (${printable(holder.command)}${byHand}), started ` +
        `${printable(holder.startedAt)}${holder.holder ? ` by ${printable(holder.holder)}` : ''}.\n${why === undefined ? '' : `${why}\n`}` +
        (holder.message === undefined
          ? `Wait for it to finish. If that process is not a driver run any more: `
          : 'No process holds it: it stays until someone releases it: ') +
        releaseHint(path, holder, release),
    );
  }
}

/** How to release a lock by hand: the holder's own `lock release <its env>` when known, else `rm -r`. */
function releaseHint(path: string, holder: LockInfo, release: LockOptions['release']): string {
  const environment = holderEnvironment(holder);
  if (release === undefined || environment === undefined) return `rm -r ${path}`;
  return release(environment);
}

export interface Lock {
  readonly path: string;
  /** Set when a lock whose process was gone was taken over: what it said. */
  readonly replaced?: LockInfo;
  release(): void;
}

export interface LockOptions {
  /** The start time written into the lock (callers pass the run's clock). @default the current time */
  readonly now?: Date;
  /** Shown with a refusal: why the lock exists. @default nothing */
  readonly why?: string;
  /** The environment of the run taking it: written into the lock, so a refusal names the holder's. */
  readonly environment?: string;
  /** Held by hand (`lock acquire -m`): the reason; the lock then names no process (pid 0) and outlives this one. */
  readonly message?: string;
  /**
   * Shown with a refusal: the command that releases the lock by hand, for the holder's environment (never the
   * refused run's own). @default `rm -r <path>`
   */
  readonly release?: (holderEnvironment: string) => string;
}

/** Whether a process with this PID exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    return pid > 0 && process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lock was taken on this machine (one written without user@host counts as this machine's). */
export function heldOnThisMachine(holder: LockInfo): boolean {
  return (holder.holder?.slice(holder.holder.lastIndexOf('@') + 1) ?? hostname()) === hostname();
}

/** Whether the lock's process is known to run: taken on this machine by a process that is alive. */
export function holderAlive(holder: LockInfo): boolean {
  return holder.pid > 0 && heldOnThisMachine(holder) && processAlive(holder.pid);
}

const detailsFile = (path: string) => join(path, 'details.json');
const UNREADABLE: LockInfo = {
  pid: 0,
  command: 'another run that is starting, or a broken lock',
  startedAt: '?',
};

/** Who runs the driver; `?` where the user has no passwd entry (some containers). */
function user(): string {
  try {
    return userInfo().username;
  } catch {
    return '?';
  }
}

/** What a lock says; undefined when there is none. One without readable details is held: it is never guessed stale. */
export function readLock(path: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(detailsFile(path), 'utf8')) as Partial<LockInfo> | null;
    if (typeof parsed?.command !== 'string' || typeof parsed.startedAt !== 'string')
      return UNREADABLE;
    return { ...parsed, pid: Number(parsed.pid) } as LockInfo;
  } catch {
    return existsSync(path) ? UNREADABLE : undefined;
  }
}

/** Takes the lock, or throws LockHeldError. */
export function acquireLock(path: string, command: string, options: LockOptions = {}): Lock {
  const startedAt = (options.now ?? new Date()).toISOString();
  const info: LockInfo = {
    pid: options.message === undefined ? process.pid : 0,
    command,
    startedAt,
    holder: `${user()}@${hostname()}`,
    environment: options.environment,
    message: options.message,
  };
  mkdirSync(dirname(path), { recursive: true });
  let replaced: LockInfo | undefined;
  for (const lastTry of [false, true]) {
    try {
      mkdirSync(path);
      writeFileSync(detailsFile(path), `${JSON.stringify(info)}\n`);
      return { path, replaced, release: () => releaseLock(path, info) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLock(path);
    const gone =
      holder !== undefined &&
      holder.pid > 0 &&
      heldOnThisMachine(holder) &&
      !processAlive(holder.pid);
    // Two runs that find the holder gone both rm -r and mkdir again: one wins, the other refuses here (unless its rm
    // lands between the winner's mkdir and its own: a microsecond window after a crash, accepted to keep this short).
    if (holder !== undefined && (lastTry || !gone)) throw new LockHeldError(path, holder, options);
    if (gone) rmSync(path, { recursive: true, force: true });
    replaced = holder;
  }
  throw new LockHeldError(path, UNREADABLE, options); // it came and went twice: runs are starting
}

/** Removes a lock: only the holder's own (`owner` given), or whatever is there (`lock release`). */
export function releaseLock(path: string, owner?: LockInfo): void {
  const current = readLock(path);
  if (current === undefined) return;
  if (owner !== undefined && (current.pid !== owner.pid || current.startedAt !== owner.startedAt))
    return;
  rmSync(path, { recursive: true, force: true });
}
