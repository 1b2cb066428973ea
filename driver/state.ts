/**
 * Local run state: `.run/<env>/` holds the lock, `state.json` (last run folder, last outputs, last image build) and
 * one folder per run (`.run/<env>/<UTC timestamp>[-destroy]/`) with the generated files and the step logs.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStamp } from './format';
import { acquireLock, Lock } from './lock';
import { cdktfLockPath, envDir, envLockPath } from './paths';
import type { ImageRecord } from './plan/build';
import { INVOCATION } from './usage';

/** The command that releases the environment's lock by hand. */
export function releaseLine(environment: string): string {
  return `${INVOCATION} lock release ${environment}`;
}

/** Who takes a lock, as plain values: where runs are kept, the checkout, the environment, the command, when. */
export interface LockRequest {
  readonly runBase: string;
  readonly root: string;
  readonly environment: string;
  readonly command: string;
  readonly now: Date;
}

export interface RunState {
  /** The most recent run of each command: `--from`/`--only` continue in it. */
  readonly lastRun?: { readonly up?: string; readonly destroy?: string };
  /** The outputs file of the last successful deploy: what `env` and `status` read. */
  readonly lastOutputs?: { readonly file: string; readonly at: string };
  /** The last build's release file (`{ image: <repo>@sha256:… }`): what a managed fleet's `up` rolls. */
  readonly lastRelease?: { readonly file: string; readonly at: string };
  /** The last successful image build. */
  readonly image?: ImageRecord & { readonly runDir: string };
}

function statePath(runBase: string, environment: string): string {
  return join(envDir(runBase, environment), 'state.json');
}

export function readState(runBase: string, environment: string): RunState {
  try {
    const parsed = JSON.parse(readFileSync(statePath(runBase, environment), 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as RunState) : {};
  } catch {
    return {};
  }
}

/** Read-modify-write, atomically replaced (a crash never leaves half a file). */
export function updateState(
  runBase: string,
  environment: string,
  change: (state: RunState) => RunState,
): RunState {
  const next = change(readState(runBase, environment));
  const path = statePath(runBase, environment);
  mkdirSync(envDir(runBase, environment), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return next;
}

/** A new, not yet existing run folder name (the folder is created by the runner, never by --dry-run). */
export function newRunDir(
  runBase: string,
  environment: string,
  command: 'up' | 'destroy' | 'plan' | 'validate',
  now: Date,
): string {
  const base = join(
    envDir(runBase, environment),
    `${runStamp(now)}${command === 'up' ? '' : `-${command}`}`,
  );
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  return dir;
}

/** The environment's lock for this command, taken before it changes anything; a refusal says how to release it. */
export function takeEnvLock(r: LockRequest): Lock {
  return acquireLock(envLockPath(r.runBase, r.environment), `${r.command} ${r.environment}`, {
    now: r.now,
    environment: r.environment,
    release: releaseLine,
  });
}

/**
 * The cdktf lock for `cdktf output` (env/status/output --refresh), which synthesizes into the checkout's cdktf.out/;
 * runs that plan or apply synthesize into their own folders and never take it. A refusal says why it exists and,
 * for the holder's environment and command, how to release it (`lock release <its env>`).
 */
export function takeCdktfLock(r: LockRequest): Lock {
  return acquireLock(cdktfLockPath(r.root), `${r.command} ${r.environment}`, {
    now: r.now,
    environment: r.environment,
    why: `cdktf output synthesizes into the checkout's cdktf.out/: one read of outputs at a time (runs that plan or apply synthesize into their own folders and never wait on it).`,
    release: (holder) => `${releaseLine(holder)} (it also releases the cdktf lock its runs took)`,
  });
}
