/**
 * What the driver asks git: the commit and the state of the working tree (the release tag), and who the operator is
 * (the release records' `who`). Read once per command through the command's executor (in the repository root, with
 * the driver's environment), then handed to the pure builders as data.
 */
import type { Exec } from './exec/exec';
import type { GitState } from './release/image-ref';

type Env = Readonly<Record<string, string | undefined>>;

/** git's stdout, or undefined when it fails (outside a checkout, a setting not set) or was not started. */
async function git(exec: Exec, args: string[]): Promise<string | undefined> {
  const ran = await exec.run({ command: 'git', args, output: { mode: 'capture' } });
  return ran.code === 0 && ran.error === undefined ? ran.stdout : undefined;
}

/** `git rev-parse HEAD` and `git status --porcelain`; undefined outside a git checkout. */
export async function gitState(exec: Exec): Promise<GitState | undefined> {
  const commit = await git(exec, ['rev-parse', 'HEAD']);
  // Outside a checkout (or before its first commit) there is no tree state to ask for.
  if (commit === undefined) return undefined;
  const porcelain = await git(exec, ['status', '--porcelain']);
  return porcelain === undefined ? undefined : { commit: commit.trim(), porcelain };
}

/** The operator, for the release records: git's user.email, else $USER, else "unknown". */
export async function operator(exec: Exec, env: Env): Promise<string> {
  const email = (await git(exec, ['config', 'user.email']))?.trim();
  return email || env.USER || env.LOGNAME || 'unknown';
}
