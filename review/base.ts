/**
 * The synth to compare with: a folder (`--against cdktf.out-of-main`) or a git ref, synthesized in a temporary
 * `git worktree` (cdktf.out is not committed) with this clone's node_modules linked in. Nothing in the
 * repository is written; the worktree is removed afterwards, also when a signal (Ctrl-C) stops the synth.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORWARDED, Signal, SIGNALS, SignalSource } from '../lib/signals';
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
  return (
    spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root })
      .status === 0
  );
}

function linkNodeModules(root: string, tree: string): void {
  const target = join(tree, 'node_modules');
  mkdirSync(target);
  // Everything but the launcher's cache, which is per checkout.
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry !== '.cache') symlinkSync(join(root, 'node_modules', entry), join(target, entry));
  }
}

/** A signal arrived while the base was synthesized: the synth was stopped and its worktree removed. */
export class BaseInterrupted extends Error {
  override name = 'BaseInterrupted';
  constructor(readonly signal: Signal) {
    super(
      `interrupted by ${signal}: the synth of the base was stopped and its temporary git worktree removed`,
    );
  }
}

/**
 * Runs `node scripts/run-app.cjs main.ts` in `tree`, in its own process group (the terminal's Ctrl-C reaches this
 * process alone): the first signal in `signals` is passed on to it, once.
 */
function runSynth(tree: string, env: NodeJS.ProcessEnv, signals: SignalSource) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, ['scripts/run-app.cjs', 'main.ts'], {
      cwd: tree,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let forwarded = false;
    const stop = (signal: Signal) => {
      if (forwarded || child.pid === undefined) return;
      forwarded = true;
      try {
        process.kill(-child.pid, FORWARDED[signal]);
      } catch {
        // Already gone: 'close' follows.
      }
    };
    const listeners = SIGNALS.map((signal) => [signal, () => stop(signal)] as const);
    for (const [signal, listener] of listeners) signals.on(signal, listener);
    const text = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (text.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text.stderr += chunk.toString()));
    child.on('close', (code) => {
      for (const [signal, listener] of listeners) signals.off(signal, listener);
      done({ code, ...text });
    });
  });
}

/**
 * Synthesizes `ref` with its own main.ts, in the same environment as this process. A signal meanwhile (`signals`,
 * the process's by default) stops the synth; the worktree is removed either way, then BaseInterrupted is thrown.
 */
export async function synthesizeRef(
  root: string,
  ref: string,
  env: NodeJS.ProcessEnv,
  signals: SignalSource = process,
): Promise<SynthesizedStack[]> {
  if (!refExists(root, ref))
    throw new BaseError(
      `git ref "${ref}" does not exist here (fetch it, or give --against <folder>)`,
    );
  // Listening from before the worktree exists: a signal while it is made still has it removed.
  const caught: Signal[] = [];
  const early = (signal: Signal) => () => caught.push(signal);
  const listeners = SIGNALS.map((signal) => [signal, early(signal)] as const);
  for (const [signal, listener] of listeners) signals.on(signal, listener);
  const dir = mkdtempSync(join(tmpdir(), 'docker-hosts-review-'));
  const tree = join(dir, 'tree');
  try {
    execFileSync('git', ['worktree', 'add', '--quiet', '--detach', tree, ref], {
      cwd: root,
      stdio: 'pipe',
    });
    linkNodeModules(root, tree);
    // Signals sent while git ran synchronously are delivered now.
    await new Promise((turn) => setImmediate(turn));
    const out = join(dir, 'out');
    const result =
      caught.length > 0 ? undefined : await runSynth(tree, { ...env, CDKTF_OUTDIR: out }, signals);
    if (caught.length > 0) throw new BaseInterrupted(caught[0]);
    if (result?.code !== 0) {
      const why = (result?.stderr || result?.stdout || '').trim().split('\n').pop();
      throw new BaseError(`the synth of ${ref} failed: ${why}`);
    }
    return readSynthFolder(out);
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: root });
    rmSync(dir, { recursive: true, force: true });
    for (const [signal, listener] of listeners) signals.off(signal, listener);
  }
}
