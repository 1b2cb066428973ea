/** Ctrl-C and friends during a run: the first one stops the running step cleanly, a later one kills it. */
import type { Style } from '../format';
import type { Call } from '../plan/steps';
import { capture, Captured } from './capture';
import type { Terminal } from './progress';

export type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** `process` in production; an EventEmitter in tests. */
export interface SignalSource {
  on(signal: Signal, listener: () => void): unknown;
  off(signal: Signal, listener: () => void): unknown;
}

/** The signals the driver stops on. */
export const SIGNALS: readonly Signal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** 128 + the signal's number. */
export const SIGNAL_EXIT: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
/**
 * What the running child gets. SIGHUP (the terminal was closed; children run in their own process group, so they
 * do not get it from the terminal) is passed on as SIGTERM: Terraform and Packer stop gracefully on SIGTERM,
 * while SIGHUP would end cdktf and Terraform at once, leaving a state lock.
 */
export const FORWARDED: Record<Signal, NodeJS.Signals> = { SIGINT: 'SIGINT', SIGTERM: 'SIGTERM', SIGHUP: 'SIGTERM' };
/** A second signal this soon after the first is the same Ctrl-C delivered twice (npm forwards it too). */
export const SAME_SIGNAL_WINDOW_MS = 1000;

/** Where signals come from, and where the notes on them are written. */
export interface SignalIo {
  readonly signals: SignalSource;
  readonly out: Terminal;
  readonly style: Style;
}

/** Listens for the run's signals until `stop()`; `kill` is whatever stops the current step. */
export class Interrupts {
  /** The first signal received. */
  received?: { readonly signal: Signal; readonly at: number };
  kill?: (signal: NodeJS.Signals) => void;
  /** capture()'s `group` hook: the child it starts is what a signal stops. */
  readonly group = (kill: (signal: NodeJS.Signals) => void): void => void (this.kill = kill);
  private readonly listeners = SIGNALS.map((s) => [s, () => this.onSignal(s)] as const);

  constructor(private readonly io: SignalIo) {
    for (const [signal, listener] of this.listeners) io.signals.on(signal, listener);
  }

  stop(): void {
    for (const [signal, listener] of this.listeners) this.io.signals.off(signal, listener);
  }

  private onSignal(signal: Signal): void {
    const now = Date.now();
    if (this.received === undefined) {
      this.received = { signal, at: now };
      const { out, style } = this.io;
      out.write(
        `\n${style.yellow(`${signal}${signal === 'SIGHUP' ? ' (terminal closed)' : ''}: stopping the current step and waiting for it to exit`)} ` +
          `(${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to kill it, which may leave a Terraform state lock)\n`,
      );
      this.kill?.(FORWARDED[signal]);
    } else if (now - this.received.at > SAME_SIGNAL_WINDOW_MS) {
      this.io.out.write(`${this.io.style.red('killing the current step')}\n`);
      this.kill?.('SIGKILL');
    }
  }
}

/**
 * One call in its own process group under its own Interrupts: Ctrl-C (SIGTERM, SIGHUP) is forwarded to it once and
 * waited for. The output, and the signal that interrupted it.
 */
export async function captureInterruptible(
  call: Call & { readonly env: Readonly<Record<string, string | undefined>> },
  io: SignalIo,
): Promise<Captured & { readonly interrupted?: Signal }> {
  const interrupts = new Interrupts(io);
  try {
    const ran = await capture(call.command, call.args, { cwd: call.cwd, env: call.env, group: interrupts.group });
    // A child that died of SIGINT was interrupted too (someone signalled its process group).
    return { ...ran, interrupted: interrupts.received?.signal ?? (ran.signal === 'SIGINT' ? 'SIGINT' : undefined) };
  } finally {
    interrupts.stop();
  }
}
