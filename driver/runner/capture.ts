/** One child process, its output kept (and passed to `onData` as it comes): the exec steps and the small runs. */
import { ChildProcess, spawn } from 'node:child_process';
import { signalStrays, strayDescendants } from './process-tree';

export interface Captured {
  /** The exit code; 127 when it could not start (its reason ends stderr), 128 when a signal ended it. */
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
  /** Why it could not start, or that it was aborted. */
  readonly error?: Error;
  readonly stdout: string;
  readonly stderr: string;
  /** Both, as they came. */
  readonly output: string;
}

export interface CaptureOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Ctrl-C during a task: once aborted, the next command does not start (exit 130). A running child is stopped
   * through `group`, as an exec step's is, and waited for.
   */
  readonly signal?: AbortSignal;
  readonly onData?: (text: string) => void;
  /** Keep only about the last `keep` characters of each stream (an exec step's output can be long). */
  readonly keep?: number;
  /**
   * Runs the child in its own process group and hands over what signals that group: a terminal's Ctrl-C then reaches
   * only the driver, which forwards it exactly once (Terraform treats a second interrupt as "abort now").
   */
  readonly group?: (kill: (signal: NodeJS.Signals) => void) => void;
}

const STRAYS = new WeakMap<ChildProcess, ReturnType<typeof strayDescendants>>();

/**
 * Sends `signal` to a child that is still running: to its whole process group when it leads one (`group`, spawned
 * detached), else to the child alone (also when the group is already gone).
 */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  // What it started outside its group (`setsid`): found while the child still runs, remembered for a later signal
  // (by then the child may be gone and they re-parented), each signalled alone.
  const strays = [...(STRAYS.get(child) ?? []), ...(group ? strayDescendants(child.pid) : [])];
  STRAYS.set(child, strays);
  signalStrays(strays, signal);
  if (group) {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // the group is gone: the child alone
    }
  }
  child.kill(signal);
}

/** How long output may still arrive after a child exited. */
const EXIT_DRAIN_MS = 2000;

export function capture(command: string, args: readonly string[], o: CaptureOptions): Promise<Captured> {
  if (o.signal?.aborted) {
    const stderr = `${command}: not started, interrupted\n`;
    return Promise.resolve({
      code: 130,
      signal: null,
      error: new Error(stderr.trim()),
      stdout: '',
      stderr,
      output: '',
    });
  }
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      ...{ cwd: o.cwd, env: { ...o.env } },
      ...{ stdio: ['ignore', 'pipe', 'pipe'], detached: o.group !== undefined },
    });
    o.group?.((signal) => signalChild(child, signal, true));
    const kept = { stdout: '', stderr: '', output: '' };
    const add = (key: keyof typeof kept, text: string) => {
      kept[key] += text;
      if (o.keep !== undefined && kept[key].length > o.keep * 2) kept[key] = kept[key].slice(-o.keep);
    };
    for (const key of ['stdout', 'stderr'] as const) {
      child[key].setEncoding('utf8');
      child[key].on('data', (text: string) => (add(key, text), add('output', text), o.onData?.(text)));
    }
    // A second resolve() is a no-op: the first of 'error' and 'close' is the result.
    const settle = (code: number, signal: NodeJS.Signals | null, error?: Error) =>
      resolve({ code, signal, error, ...kept, stderr: error ? `${kept.stderr}${error.message}\n` : kept.stderr });
    child.on('error', (error) => settle(127, null, error));
    // 'close' waits for the pipes: a grandchild the tool left behind may hold them open. Once the child itself
    // has exited, give its output a moment to drain, then stop waiting.
    child.on('exit', (code, signal) => {
      // An interrupted child's strays that outlived it (one that ignores SIGINT, as `cmd &` in a script does) go too.
      signalStrays(STRAYS.get(child) ?? [], 'SIGKILL');
      const drained = () => (child.stdout.destroy(), child.stderr.destroy(), child.emit('close', code, signal));
      setTimeout(drained, EXIT_DRAIN_MS).unref();
    });
    child.on('close', (code, signal) => settle(code ?? (signal !== null ? 128 : 1), signal));
  });
}
