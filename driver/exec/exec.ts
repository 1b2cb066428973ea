/**
 * The executor: one per command, made in main() before any lock is taken and disposed of after the command (and
 * its locks) is done. It owns the driver's one signal policy and runs every child (capture.ts starts them):
 *
 * - the first SIGINT, SIGTERM or SIGHUP is noted once on stderr, forwarded once to every running child (SIGHUP as
 *   SIGTERM: Terraform and Packer stop gracefully on it), and aborts `signal` (in-process work, the prompt);
 * - the same signal again within a second is the same Ctrl-C delivered twice (npm forwards it too) and ignored;
 *   a later one kills the running children (SIGKILL);
 * - once interrupted, no new child starts; the command ends with 128 + the signal's number (SIGNAL_EXIT).
 */
import type { Style } from '../format';
import type { Terminal } from '../runner/progress';
import { Captured, ChildSpec, Output, startChild } from './capture';
import {
  FORWARDED,
  SAME_SIGNAL_WINDOW_MS,
  Signal,
  SIGNAL_EXIT,
  SIGNALS,
  SignalSource,
} from '../../lib/signals';

type Env = Readonly<Record<string, string | undefined>>;

/** One child to run: `env` is added to the driver's environment, `cwd` defaults to the repository root. */
export interface ExecCall {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Env;
  readonly output: Output;
  readonly timeoutMs?: number;
}

/** A child's end, and the signal that interrupted it (received by the driver, or SIGINT that ended the child). */
export type ExecResult = Captured & { readonly interrupted?: Signal };

export interface ExecIo {
  readonly signals: SignalSource;
  /** Where the notes on signals go (the driver's stderr). */
  readonly err: Terminal;
  readonly style: Style;
  /** The environment every child inherits. */
  readonly env: Env;
  readonly root: string;
}

/** What runs children and answers signals; the recording executor of the tests implements it too. */
export interface Exec {
  /** The first signal received, if any. */
  readonly interrupted: Signal | undefined;
  /** Aborted on the first signal. */
  readonly signal: AbortSignal;
  run(call: ExecCall): Promise<ExecResult>;
}

/** An executor for one command: main() installs it before the command and disposes of it after. */
export interface CommandExec extends Exec {
  install(): this;
  dispose(): void;
}

interface Running {
  readonly command: string;
  readonly kill: (signal: NodeJS.Signals) => void;
}

export class Executor implements CommandExec {
  private received?: { readonly signal: Signal; readonly at: number };
  private readonly running = new Set<Running>();
  private readonly controller = new AbortController();
  private readonly listeners = SIGNALS.map((s) => [s, () => this.onSignal(s)] as const);
  private installed = false;

  constructor(private readonly io: ExecIo) {}

  get interrupted(): Signal | undefined {
    return this.received?.signal;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts listening for the signals: before the first lock is taken. */
  install(): this {
    if (!this.installed)
      for (const [signal, listener] of this.listeners) this.io.signals.on(signal, listener);
    this.installed = true;
    return this;
  }

  /** Stops listening: after the last lock is released. */
  dispose(): void {
    if (this.installed)
      for (const [signal, listener] of this.listeners) this.io.signals.off(signal, listener);
    this.installed = false;
  }

  async run(call: ExecCall): Promise<ExecResult> {
    const signal = this.interrupted;
    if (signal !== undefined) return notStarted(call.command, signal);
    const spec: ChildSpec = {
      ...call,
      cwd: call.cwd ?? this.io.root,
      env: { ...this.io.env, ...call.env },
    };
    const child = startChild(spec);
    const running = { command: call.command, kill: child.kill };
    this.running.add(running);
    try {
      const ran = await child.done;
      if (
        ran.error !== undefined &&
        (call.output.mode === 'passthrough' || call.output.mode === 'terminal')
      ) {
        const prefix = call.output.mode === 'passthrough' ? (call.output.prefix ?? '') : '';
        this.io.err.write(`${prefix}cannot run ${call.command}: ${ran.error.message}\n`);
      }
      // A child that died of SIGINT was interrupted too (someone signalled its process group).
      return {
        ...ran,
        interrupted: this.interrupted ?? (ran.signal === 'SIGINT' ? 'SIGINT' : undefined),
      };
    } finally {
      this.running.delete(running);
    }
  }

  private onSignal(signal: Signal): void {
    const now = Date.now();
    const { err, style } = this.io;
    if (this.received === undefined) {
      this.received = { signal, at: now };
      const why = `${signal}${signal === 'SIGHUP' ? ' (terminal closed)' : ''}`;
      const again = `${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to kill it, which may leave a Terraform state lock`;
      err.write(
        `\n${style.yellow(`${why}: stopping the current step and waiting for it to exit`)} (${again})\n`,
      );
      for (const child of this.running) child.kill(FORWARDED[signal]);
      this.controller.abort();
    } else if (now - this.received.at > SAME_SIGNAL_WINDOW_MS && this.running.size > 0) {
      const names = [...new Set([...this.running].map((c) => c.command))].join(', ');
      err.write(`${style.red(`${signal} again: killing ${names}`)}\n`);
      for (const child of this.running) child.kill('SIGKILL');
    }
  }
}

/** The result of a call that was not started because the command is being interrupted. */
function notStarted(command: string, signal: Signal): ExecResult {
  const stderr = `${command}: not started, interrupted (${signal})\n`;
  const error = new Error(stderr.trim());
  return {
    code: SIGNAL_EXIT[signal],
    signal: null,
    error,
    stdout: '',
    stderr,
    output: '',
    interrupted: signal,
  };
}
