/**
 * What the driver asks git: the commit and the state of the working tree (the release tag), and who the operator is
 * (the release records' `who`). Read once per command, then handed to the pure builders as data.
 */
import { spawnSync } from 'node:child_process';
import type { GitState } from './release/image-ref';

function git(
  root: string,
  env: Readonly<Record<string, string | undefined>>,
  args: string[],
): string | undefined {
  const ran = spawnSync('git', args, {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return ran.status === 0 ? ran.stdout : undefined;
}

/** `git rev-parse HEAD` and `git status --porcelain`; undefined outside a git checkout. */
export function gitState(
  root: string,
  env: Readonly<Record<string, string | undefined>>,
): GitState | undefined {
  const commit = git(root, env, ['rev-parse', 'HEAD']);
  // Outside a checkout (or before its first commit) there is no tree state to ask for.
  if (commit === undefined) return undefined;
  const porcelain = git(root, env, ['status', '--porcelain']);
  return porcelain === undefined ? undefined : { commit: commit.trim(), porcelain };
}

/** The operator, for the release records: git's user.email, else $USER, else "unknown". */
export function operator(root: string, env: Readonly<Record<string, string | undefined>>): string {
  const email = git(root, env, ['config', 'user.email'])?.trim();
  return email || env.USER || env.LOGNAME || 'unknown';
}
