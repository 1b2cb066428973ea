/** Ctrl-C and friends during a run: the first one stops the running step cleanly, a later one kills it. */
import type { Style } from '../format';
import type { Terminal } from './progress';

export type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** `process` in production; an EventEmitter in tests. */
export interface SignalSource {
  on(signal: Signal, listener: () => void): unknown;
  off(signal: Signal, listener: () => void): unknown;
}

/** 128 + the signal's number. */
export const SIGNAL_EXIT: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
/**
 * What the running child gets. SIGHUP (the terminal was closed; children run in their own process group, so they
 * do not get it from the terminal) is passed on as SIGTERM: Terraform and Packer stop gracefully on SIGTERM,
 * while SIGHUP would end cdktf and Terraform at once, leaving a state lock.
 */
const FORWARDED: Record<Signal, NodeJS.Signals> = { SIGINT: 'SIGINT', SIGTERM: 'SIGTERM', SIGHUP: 'SIGTERM' };
/** A second signal this soon after the first is the same Ctrl-C delivered twice (npm forwards it too). */
const SAME_SIGNAL_WINDOW_MS = 1000;

/** Listens for the run's signals until `stop()`; `kill` is whatever stops the current step. */
export class Interrupts {
  /** The first signal received. */
  received?: { readonly signal: Signal; readonly at: number };
  kill?: (signal: NodeJS.Signals) => void;
  /** capture()'s `group` hook: the child it starts is what a signal stops. */
  readonly group = (kill: (signal: NodeJS.Signals) => void): void => void (this.kill = kill);
  private readonly listeners = (Object.keys(FORWARDED) as Signal[]).map((s) => [s, () => this.onSignal(s)] as const);

  constructor(
    private readonly source: SignalSource,
    private readonly out: Terminal,
    private readonly style: Style,
  ) {
    for (const [signal, listener] of this.listeners) source.on(signal, listener);
  }

  stop(): void {
    for (const [signal, listener] of this.listeners) this.source.off(signal, listener);
  }

  private onSignal(signal: Signal): void {
    const now = Date.now();
    if (this.received === undefined) {
      this.received = { signal, at: now };
      this.out.write(
        `\n${this.style.yellow(`${signal}${signal === 'SIGHUP' ? ' (terminal closed)' : ''}: stopping the current step and waiting for it to exit`)} ` +
          `(${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to kill it, which may leave a Terraform state lock)\n`,
      );
      this.kill?.(FORWARDED[signal]);
    } else if (now - this.received.at > SAME_SIGNAL_WINDOW_MS) {
      this.out.write(`${this.style.red('killing the current step')}\n`);
      this.kill?.('SIGKILL');
    }
  }
}
