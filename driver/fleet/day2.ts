/**
 * What the read-only day-2 commands (`status`, `drift`) share: a work folder beside the environment's runs, the
 * inventory the `hosts` step would generate, the `hosts` step's ansible-playbook call (same login, same SSH path,
 * same known_hosts), its output kept, and Ctrl-C forwarded to it.
 *
 * No environment lock: they change nothing, so they never wait for (or block) an `up`. When a run holds the lock
 * they say so, since hosts may be mid-change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderInventory } from '../inventory/inventory';
import type { StackOutputs } from '../../stacks/outputs';
import { EnvContext, printError } from '../context';
import { EXIT_FAILED } from '../../lib/exit-codes';
import { readLock } from '../lock';
import { loadOutputs } from '../outputs';
import type { ExecStep } from '../plan/steps';
import { PlanContext, runFiles } from '../plan/tools';
import type { Captured } from '../exec/capture';
import { cleanTail } from '../runner/log';
import { SIGNAL_EXIT } from '../../lib/signals';
import { envDir, envLockPath } from '../paths';

/** A day-2 command's folder: `.run/<env>/<command>-XXXXXX/`, beside the runs so known_hosts is the same file. */
export function makeWorkDir(ctx: EnvContext, outputs: StackOutputs): string {
  const dir = mkdtempSync(join(envDir(ctx.runBase, ctx.env.name), `${ctx.args.command}-`));
  writeFileSync(runFiles(dir).inventory, renderInventory(outputs), { mode: 0o600 });
  return dir;
}

/** A plan builder's step with the work folder as its run folder, and the files it writes (the app vars) written. */
export function workStep(
  ctx: EnvContext,
  dir: string,
  build: (plan: PlanContext) => ExecStep,
): ExecStep {
  const step = build({
    root: ctx.deps.root,
    runDir: dir,
    cdktf: ctx.cdktf,
    node: process.execPath,
  });
  for (const file of step.writes ?? []) writeFileSync(file.path, file.content, { mode: 0o600 });
  return step;
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

/** A play that ran to its end: its outputs, its work folder, what it printed, and `out`, its stdout's file. */
export type Played = Pick<Captured, 'code' | 'stdout' | 'stderr'> & {
  readonly outputs: StackOutputs;
  readonly dir: string;
  readonly out: string;
};

/**
 * What `status` and `drift` do around their play: the outputs, a note on a running change, the work folder, the play
 * (`step`; a string says why there is none) with stdout kept in `<dir>/<out>` and stderr in `.err` beside it, then
 * `read`. A number when it ends early (outputs unreadable, no step, interrupted, `notStarted`: the work folder is
 * removed) or `read` says why it has no report (the work folder is kept for a look).
 */
export async function runPlay<T extends object>(
  ctx: EnvContext,
  out: string,
  step: (ctx: EnvContext, dir: string) => ExecStep | string,
  read: (ctx: EnvContext, played: Played) => T | number,
  notStarted = async (why: string) => {
    printError(ctx, `could not run ansible-playbook: ${why}`);
    return EXIT_FAILED;
  },
): Promise<T | number> {
  const outputs = await loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  noteRunningChange(ctx);
  const dir = makeWorkDir(ctx, outputs);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const built = step(ctx, dir);
  if (typeof built === 'string') {
    removeDir();
    printError(ctx, built);
    return EXIT_FAILED;
  }
  const call = { command: built.command, args: built.args, cwd: built.cwd, env: built.env };
  const ran = await ctx.exec.run({ ...call, output: { mode: 'capture' } });
  if (ran.interrupted !== undefined) {
    removeDir();
    printError(ctx, `${ctx.args.command} interrupted; nothing was changed (no lock was taken)`);
    return SIGNAL_EXIT[ran.interrupted];
  }
  if (ran.error !== undefined) {
    removeDir();
    return notStarted(ran.error.message);
  }
  const played = { ...ran, outputs, dir, out: join(dir, out) };
  writeFileSync(played.out, ran.stdout, { mode: 0o600 });
  writeFileSync(played.out.replace(/\.\w+$/, '.err'), ran.stderr, { mode: 0o600 });
  const report = read(ctx, played);
  if (typeof report !== 'number') removeDir();
  return report;
}

/** `error: <message>` and the last lines of the play's stderr; the work folder is kept for a look. */
export function playFailed(ctx: EnvContext, played: Played, message: string): number {
  const why = cleanTail(played.stderr, 12).map((l) => `\n  | ${l}`);
  printError(ctx, `${message}${why.join('')}`);
  return EXIT_FAILED;
}
