/**
 * The synth to compare with: a folder (`--against cdktf.out-of-main`) or a git ref, synthesized in a temporary
 * `git worktree` (cdktf.out is not committed) with this clone's node_modules linked in. Nothing in the
 * repository is written; the worktree is removed afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackJson, SynthesizedStack } from '../policies/rules';

export class BaseError extends Error {
  override name = 'BaseError';
}

/** The stacks of a synth output folder: `<folder>/stacks/<stack>/cdk.tf.json`. */
export function readSynthFolder(folder: string): SynthesizedStack[] {
  const stacksDir = join(folder, 'stacks');
  if (!existsSync(stacksDir)) {
    throw new BaseError(
      `${folder} has no stacks/<stack>/cdk.tf.json (give the output folder of a synth, like cdktf.out)`,
    );
  }
  return readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, 'cdk.tf.json')))
    .sort()
    .map((name) => ({
      name,
      json: JSON.parse(readFileSync(join(stacksDir, name, 'cdk.tf.json'), 'utf8')) as StackJson,
    }));
}

/** Whether `ref` names a commit in the repository at `root`. */
export function refExists(root: string, ref: string): boolean {
  return spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root }).status === 0;
}

function linkNodeModules(root: string, tree: string): void {
  const target = join(tree, 'node_modules');
  mkdirSync(target);
  // Everything but the launcher's cache, which is per checkout.
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry !== '.cache') symlinkSync(join(root, 'node_modules', entry), join(target, entry));
  }
}

/** Synthesizes `ref` with its own main.ts, in the same environment as this process. */
export function synthesizeRef(root: string, ref: string, env: NodeJS.ProcessEnv): SynthesizedStack[] {
  if (!refExists(root, ref))
    throw new BaseError(`git ref "${ref}" does not exist here (fetch it, or give --against <folder>)`);
  const dir = mkdtempSync(join(tmpdir(), 'docker-hosts-review-'));
  const tree = join(dir, 'tree');
  execFileSync('git', ['worktree', 'add', '--quiet', '--detach', tree, ref], { cwd: root, stdio: 'pipe' });
  try {
    linkNodeModules(root, tree);
    const out = join(dir, 'out');
    const result = spawnSync(process.execPath, ['scripts/run-app.cjs', 'main.ts'], {
      cwd: tree,
      env: { ...env, CDKTF_OUTDIR: out },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      const why = (result.stderr || result.stdout || '').trim().split('\n').pop();
      throw new BaseError(`the synth of ${ref} failed: ${why}`);
    }
    return readSynthFolder(out);
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: root });
    rmSync(dir, { recursive: true, force: true });
  }
}
