/**
 * What the read-only day-2 commands (`status`, `drift`) share: a work folder beside the environment's runs, the
 * inventory the `hosts` step would generate, the `hosts` step's ansible-playbook call (same login, same SSH path,
 * same known_hosts), run with its output going to files, and Ctrl-C forwarded to it.
 *
 * No environment lock: they change nothing, so they never wait for (or block) an `up`. When a run holds the lock
 * they say so, since hosts may be mid-change.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderInventory } from '../../lib/inventory';
import type { StackOutputs } from '../../stacks/outputs';
import { EnvContext, printError } from '../context';
import { EXIT_FAILED } from '../exit-codes';
import { readLock } from '../lock';
import { loadOutputs } from '../outputs';
import type { ExecStep } from '../plan/steps';
import { PlanContext, runFiles } from '../plan/tools';
import { cleanTail } from '../runner/log';
import { Interrupts, SIGNAL_EXIT } from '../runner/signals';
import { groupKiller } from '../runner/capture';
import { envDir, envLockPath, readState } from '../state';

/** A day-2 command's folder: `.run/<env>/<command>-XXXXXX/`, beside the runs so known_hosts is the same file. */
export function makeWorkDir(ctx: EnvContext, outputs: StackOutputs): string {
  const dir = mkdtempSync(join(envDir(ctx.runBase, ctx.env.name), `${ctx.args.command}-`));
  writeFileSync(runFiles(dir).inventory, renderInventory(outputs), { mode: 0o600 });
  return dir;
}

/** A plan builder's step with the work folder as its run folder, and the files it writes (the app vars) written. */
export function workStep(ctx: EnvContext, dir: string, build: (plan: PlanContext) => ExecStep): ExecStep {
  const step = build({ root: ctx.deps.root, runDir: dir, cdktf: ctx.cdktf, node: process.execPath });
  for (const file of step.writes ?? []) writeFileSync(file.path, file.content, { mode: 0o600 });
  return step;
}

/** A file the last `up` left (`registryOutputs`: where drift's registry vars come from; `release`: its build). */
export function lastRunFile(ctx: EnvContext, which: 'registryOutputs' | 'release'): string | undefined {
  const last = readState(ctx.runBase, ctx.env.name).lastRun?.up;
  const file = last === undefined ? undefined : runFiles(last)[which];
  return file !== undefined && existsSync(file) ? file : undefined;
}

/** A note on stderr when a run holds the environment's lock: read-only commands do not wait for it. */
function noteRunningChange(ctx: EnvContext): void {
  const held = readLock(envLockPath(ctx.runBase, ctx.env.name));
  if (held === undefined) return;
  ctx.deps.stderr.write(
    `${ctx.errStyle.yellow('note:')} pid ${held.pid} (${held.command}) holds ${ctx.env.name}'s lock since ` +
      `${held.startedAt}: hosts may be mid-change; ${ctx.args.command} changes nothing and does not wait\n`,
  );
}

/** The exit code (the signal's, 130 for Ctrl-C, when interrupted); why it could not start (not on PATH). */
type Ran = { readonly code: number; readonly interrupted: boolean; readonly spawnError?: string };

/** Runs the step's command with stdout to `stdoutFile` and stderr to `stderrFile`; Ctrl-C stops it. */
function runToFiles(ctx: EnvContext, step: ExecStep, stdoutFile: string, stderrFile: string): Promise<Ran> {
  const files = [openSync(stdoutFile, 'w', 0o600), openSync(stderrFile, 'w', 0o600)];
  const interrupts = new Interrupts(ctx.deps.signals ?? process, ctx.deps.stderr, ctx.errStyle);
  const child = spawn(step.command, [...step.args], {
    ...{ cwd: step.cwd, env: { ...ctx.deps.env, ...step.env } },
    // Own process group, as the runner does: Ctrl-C reaches the driver, which forwards it once.
    ...{ stdio: ['ignore', ...files], detached: true },
  });
  files.forEach((fd) => closeSync(fd)); // the child has its own copies
  interrupts.kill = groupKiller(child);
  return new Promise<Ran>((resolve) => {
    const done = (ran: Ran) => (interrupts.stop(), resolve(ran));
    child.on('error', (e) => done({ code: 127, interrupted: false, spawnError: e.message }));
    child.on('exit', (code, signal) => {
      const received = interrupts.received?.signal;
      if (received !== undefined) return done({ code: SIGNAL_EXIT[received], interrupted: true });
      done({ code: code ?? (signal !== null ? 128 : 1), interrupted: false });
    });
  });
}

/** A play that ran to its end: its outputs, its work folder, its exit code, its stdout's and stderr's files. */
export interface Played {
  readonly outputs: StackOutputs;
  readonly dir: string;
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * What `status` and `drift` do around their play: the outputs, a note on a running change, the work folder, the play
 * (`step`; a string says why there is none) with stdout to `<dir>/<out>` and stderr to `.err` beside it, then `read`.
 * A number when it ends early (outputs unreadable, no step, interrupted, `notStarted`: the work folder is removed) or
 * `read` says why it has no report (the work folder is kept for a look).
 */
export async function runPlay<T extends object>(
  ctx: EnvContext,
  out: string,
  step: (ctx: EnvContext, dir: string) => ExecStep | string,
  read: (ctx: EnvContext, played: Played) => T | number,
  notStarted = async (why: string) => (printError(ctx, `could not run ansible-playbook: ${why}`), EXIT_FAILED),
): Promise<T | number> {
  const outputs = loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  noteRunningChange(ctx);
  const dir = makeWorkDir(ctx, outputs);
  const files = { out: join(dir, out), err: join(dir, out.replace(/\.\w+$/, '.err')) };
  const built = step(ctx, dir);
  const ran = typeof built === 'string' ? undefined : await runToFiles(ctx, built, files.out, files.err);
  if (ran?.interrupted === false && ran.spawnError === undefined) {
    const report = read(ctx, { outputs, dir, code: ran.code, ...files });
    if (typeof report !== 'number') rmSync(dir, { recursive: true, force: true });
    return report;
  }
  rmSync(dir, { recursive: true, force: true });
  if (ran?.spawnError !== undefined) return notStarted(ran.spawnError);
  printError(ctx, ran ? `${ctx.args.command} interrupted; nothing was changed (no lock was taken)` : String(built));
  return ran?.code ?? EXIT_FAILED;
}

/** `error: <message>` and the last lines of the play's stderr; the work folder is kept for a look. */
export function playFailed(ctx: EnvContext, played: Played, message: string): number {
  const why = cleanTail(readFileSync(played.err, 'utf8'), 12).map((l) => `\n  | ${l}`);
  printError(ctx, `${message}${why.join('')}`);
  return EXIT_FAILED;
}
