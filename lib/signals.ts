/** The signals the driver stops on, what a child gets for each, and the exit code each ends the driver with. */

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
export const FORWARDED: Record<Signal, NodeJS.Signals> = {
  SIGINT: 'SIGINT',
  SIGTERM: 'SIGTERM',
  SIGHUP: 'SIGTERM',
};
/** A second signal this soon after the first is the same Ctrl-C delivered twice (npm forwards it too). */
export const SAME_SIGNAL_WINDOW_MS = 1000;
