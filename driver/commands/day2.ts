/**
 * What the read-only day-2 commands (`status`, `drift`) share: a work folder beside the environment's runs, the
 * inventory the `hosts` step would generate, the `hosts` step's ansible-playbook call (same login, same SSH path,
 * same known_hosts), run with its output going to files, and Ctrl-C forwarded to it.
 *
 * No environment lock: they change nothing, so they never wait for (or block) an `up`. When a run holds the lock
 * they say so, since hosts may be mid-change.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderInventory } from '../../lib/inventory';
import type { StackOutputs } from '../../stacks/outputs';
import type { EnvContext } from '../context';
import { readLock } from '../lock';
import type { ExecStep } from '../plan/steps';
import { ansiblePlaybook, playbookStep, runFiles } from '../plan/tools';
import { Interrupts, SIGNAL_EXIT } from '../runner/signals';
import { groupKiller } from '../runner/capture';
import { envDir, envLockPath, readState } from '../state';

/** A day-2 command's folder: `.run/<env>/<command>-XXXXXX/`, beside the runs so known_hosts is the same file. */
export interface WorkDir {
  readonly dir: string;
  readonly files: ReturnType<typeof runFiles>;
}

export function makeWorkDir(ctx: EnvContext, outputs: StackOutputs): WorkDir {
  const dir = mkdtempSync(join(envDir(ctx.runBase, ctx.env.name), `${ctx.args.command}-`));
  const files = runFiles(dir);
  writeFileSync(files.inventory, renderInventory(outputs), { mode: 0o600 });
  return { dir, files };
}

/** The work folder as the plan builders' run folder: its files are written here, known_hosts is the runs'. */
function planContext(ctx: EnvContext, work: WorkDir) {
  return { root: ctx.deps.root, runDir: work.dir, cdktf: ctx.cdktf, node: process.execPath };
}

/** Writes what a step writes before it runs (the app vars). */
function written(step: ExecStep): ExecStep {
  for (const file of step.writes ?? []) writeFileSync(file.path, file.content, { mode: 0o600 });
  return step;
}

/**
 * The `hosts` step's site.yml call for this work folder. `built`: the app image is the last `up`'s build (app.build),
 * whose release file the caller copied into the work folder.
 */
export function hostsStep(ctx: EnvContext, work: WorkDir, built = false): ExecStep {
  return written(ansiblePlaybook(planContext(ctx, work), ctx.env, { built }));
}

/** Another playbook, run the `hosts` step's way (inventory, login, known_hosts, ansible.cfg, app vars), with `vars`. */
export function playStep(ctx: EnvContext, work: WorkDir, playbook: string, vars: readonly string[] = []): ExecStep {
  return written(playbookStep(planContext(ctx, work), ctx.env, playbook, { vars }));
}

/** A file the last `up` left (`registryOutputs`: where drift's registry vars come from; `release`: its build). */
export function lastRunFile(ctx: EnvContext, which: 'registryOutputs' | 'release'): string | undefined {
  const last = readState(ctx.runBase, ctx.env.name).lastRun?.up;
  const file = last === undefined ? undefined : runFiles(last)[which];
  return file !== undefined && existsSync(file) ? file : undefined;
}

/** A note on stderr when a run holds the environment's lock: read-only commands do not wait for it. */
export function noteRunningChange(ctx: EnvContext): void {
  const held = readLock(envLockPath(ctx.runBase, ctx.env.name));
  if (held === undefined) return;
  ctx.deps.stderr.write(
    `${ctx.errStyle.yellow('note:')} pid ${held.pid} (${held.command}) holds ${ctx.env.name}'s lock since ` +
      `${held.startedAt}: hosts may be mid-change; ${ctx.args.command} changes nothing and does not wait\n`,
  );
}

export interface Ran {
  /** The exit code, or the signal's exit code (130 for Ctrl-C) when interrupted. */
  readonly code: number;
  readonly interrupted: boolean;
  /** Could not start (ENOENT: not on PATH). */
  readonly spawnError?: string;
}

/** Runs the step's command with stdout to `stdoutFile` and stderr to `stderrFile`; Ctrl-C stops it. */
export function runToFiles(ctx: EnvContext, step: ExecStep, stdoutFile: string, stderrFile: string): Promise<Ran> {
  const out = openSync(stdoutFile, 'w', 0o600);
  const err = openSync(stderrFile, 'w', 0o600);
  const signals = ctx.deps.signals ?? process;
  const interrupts = new Interrupts(signals, ctx.deps.stderr, ctx.errStyle);
  return new Promise<Ran>((resolve) => {
    const child = spawn(step.command, [...step.args], {
      ...{ cwd: step.cwd, env: { ...ctx.deps.env, ...step.env } },
      // Own process group, as the runner does: Ctrl-C reaches the driver, which forwards it once.
      ...{ stdio: ['ignore', out, err], detached: true },
    });
    interrupts.kill = groupKiller(child);
    let ended = false;
    const done = (ran: Ran) => {
      if (ended) return;
      ended = true;
      interrupts.stop();
      closeSync(out);
      closeSync(err);
      resolve(ran);
    };
    child.on('error', (e) => done({ code: 127, interrupted: false, spawnError: e.message }));
    child.on('exit', (code, signal) => {
      const received = interrupts.received?.signal;
      if (received !== undefined) return done({ code: SIGNAL_EXIT[received], interrupted: true });
      done({ code: code ?? (signal !== null ? 128 : 1), interrupted: false });
    });
  });
}
