/**
 * What every command gets: the outside world (argv, environment, output streams, signals, the clock) through
 * MainDeps, so tests run the real thing in-process, and the parsed arguments and resolved config.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EnvironmentConfig, ProjectConfig, ProjectSpec } from '../config';
import type { ParsedArgs } from './args';
import { makeStyle, Style } from './format';
import type { VersionProbe } from './preflight';
import type { Terminal } from './runner/progress';
import type { CommandExec, Exec, ExecIo } from './exec/exec';
import type { SignalSource } from '../lib/signals';
import type { LockRequest } from './state';

export interface MainDeps {
  /** Repository root. */
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Terminal;
  readonly stderr: Terminal;
  /** Is stdin a terminal (exec runs `docker exec -it` then)? */
  readonly stdin?: { readonly isTTY?: boolean };
  /** The environments; config/environments.ts by default. */
  readonly spec?: ProjectSpec;
  readonly home?: string;
  readonly signals?: SignalSource;
  /**
   * Asks a question on the terminal and returns the answer; undefined when stdin is not a terminal. `abort` closes
   * the prompt (a signal came while it waited).
   */
  readonly ask?: (question: string, abort?: AbortSignal) => Promise<string>;
  readonly now?: () => Date;
  readonly probe?: VersionProbe;
  /** Makes the command's executor; exec/exec.ts's Executor by default (tests give a recording one). */
  readonly makeExec?: (io: ExecIo) => CommandExec;
}

export interface Context {
  readonly deps: MainDeps;
  readonly args: ParsedArgs;
  /** The command's executor: every child runs through it, and it answers the signals (exec/exec.ts). */
  readonly exec: Exec;
  /** Styles for stdout and for stderr (each coloured only on a terminal). */
  readonly style: Style;
  readonly errStyle: Style;
  readonly home: string;
  /** `.run/` unless DOCKER_HOSTS_RUN_DIR says otherwise. */
  readonly runBase: string;
  readonly cdktf: string;
  /** Config warnings, printed by --dry-run. */
  readonly warnings: string[];
  /** `plan` calls it when the plans have changes (main.ts turns that into --detailed-exitcode's 2). */
  readonly onChanges?: () => void;
}

/** A command's context once the config resolved. */
export interface EnvContext extends Context {
  readonly env: EnvironmentConfig;
  readonly project: ProjectConfig;
  /** A managed fleet's release a command chose (`rollback`): what its plan rolls (driver/managed/releases.ts). */
  readonly release?: string;
}

export function makeContext(deps: MainDeps, args: ParsedArgs, exec: Exec): Context {
  return {
    deps,
    args,
    exec,
    style: makeStyle(deps.stdout.isTTY ?? false, deps.env),
    errStyle: makeStyle(deps.stderr.isTTY ?? false, deps.env),
    home: deps.home ?? homedir(),
    // A relative DOCKER_HOSTS_RUN_DIR means what it says where the driver was started, whatever the tools' cwd.
    runBase: deps.env.DOCKER_HOSTS_RUN_DIR
      ? resolve(deps.env.DOCKER_HOSTS_RUN_DIR)
      : join(deps.root, '.run'),
    cdktf: deps.env.DOCKER_HOSTS_CDKTF || join(deps.root, 'node_modules', '.bin', 'cdktf'),
    warnings: [],
  };
}

/**
 * `error: <message>` on stderr; with `--json` also `{"error": "<message>"}` on stdout, so a script reading the JSON
 * gets the cause, not an empty stream.
 */
export function printError(
  ctx: Pick<Context, 'deps' | 'errStyle'> & { readonly args?: { readonly json?: boolean } },
  message: string,
): void {
  ctx.deps.stderr.write(`${ctx.errStyle.red('error:')} ${message}\n`);
  if (ctx.args?.json === true) ctx.deps.stdout.write(`${JSON.stringify({ error: message })}\n`);
}

export function now(ctx: Pick<Context, 'deps'>): Date {
  return ctx.deps.now?.() ?? new Date();
}

/** This command's lock request (driver/state.ts takes plain values, not the context). */
export function lockRequest(ctx: EnvContext): LockRequest {
  return {
    runBase: ctx.runBase,
    root: ctx.deps.root,
    environment: ctx.env.name,
    command: ctx.args.command,
    now: now(ctx),
  };
}
