/**
 * The one place the driver starts a child (git's reads too): spawn, its output handled by mode, a way to signal it, and its
 * end. The signal policy is the Executor's (exec.ts); this file only starts, signals and waits.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { signalStrays, strayDescendants } from './process-tree';

export interface Captured {
  /** The exit code; 127 when it could not start (its reason ends stderr), 128 + n when signal n ended it. */
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
  /** Why it could not start, or why it was not started. */
  readonly error?: Error;
  readonly stdout: string;
  readonly stderr: string;
  /** Both, as they came. */
  readonly output: string;
}

/**
 * Where a child's output goes:
 * - `capture`: kept (stdout, stderr, both), optionally only the last `keep` characters of each, and handed to
 *   `onData` as it comes (a step's log: `log` is the same with a writer);
 * - `passthrough`: to the driver's stdout and stderr, each line after `prefix`;
 * - `terminal`: the terminal itself (stdin too), the child in the terminal's process group (interactive ssh, exec).
 * Every mode but `terminal` runs the child in its own process group: a terminal's Ctrl-C reaches only the driver,
 * which forwards it once.
 */
export type Output =
  | { readonly mode: 'capture'; readonly keep?: number }
  | { readonly mode: 'log'; readonly write: (text: string) => void; readonly keep?: number }
  | {
      readonly mode: 'passthrough';
      readonly stdout: (text: string) => void;
      readonly stderr: (text: string) => void;
      readonly prefix?: string;
    }
  | { readonly mode: 'terminal' };

export interface ChildSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly output: Output;
  /** Killed (SIGKILL) after this long: a version probe that hangs. */
  readonly timeoutMs?: number;
}

export interface Child {
  readonly done: Promise<Captured>;
  /** Sends a signal to the child's process group (its own group), or to the child alone (`terminal`). */
  readonly kill: (signal: NodeJS.Signals) => void;
}

const STRAYS = new WeakMap<ChildProcess, ReturnType<typeof strayDescendants>>();

/**
 * Sends `signal` to a child that is still running: to its whole process group when it leads one (spawned
 * detached), else to the child alone (also when the group is already gone).
 */
function signalChild(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
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

/** Writes `text` line by line with `prefix`, holding back an unfinished last line until `end()`. */
function prefixer(write: (t: string) => void, prefix: string) {
  let pending = '';
  const flush = (all: boolean) => {
    const cut = all ? pending.length : pending.lastIndexOf('\n') + 1;
    if (cut === 0) return;
    const done = pending.slice(0, cut);
    pending = pending.slice(cut);
    write(`${done.replace(/^(?=.)/gm, prefix)}${done.endsWith('\n') ? '' : '\n'}`);
  };
  const push = (t: string) => {
    pending += t;
    flush(false);
  };
  return { push, end: () => flush(true) };
}

/** What the child's stdout and stderr do with their text, and what is kept of it. */
function outputSink(output: Output) {
  const kept = { stdout: '', stderr: '', output: '' };
  const keep = output.mode === 'capture' || output.mode === 'log' ? output.keep : undefined;
  const add = (key: keyof typeof kept, text: string) => {
    kept[key] += text;
    if (keep !== undefined && kept[key].length > keep * 2) kept[key] = kept[key].slice(-keep);
  };
  const prefix = output.mode === 'passthrough' ? (output.prefix ?? '') : '';
  const out = output.mode === 'passthrough' ? prefixer(output.stdout, prefix) : undefined;
  const err = output.mode === 'passthrough' ? prefixer(output.stderr, prefix) : undefined;
  const onData = (key: 'stdout' | 'stderr', text: string) => {
    add(key, text);
    add('output', text);
    if (output.mode === 'log') output.write(text);
    (key === 'stdout' ? out : err)?.push(text);
  };
  const end = () => {
    out?.end();
    err?.end();
  };
  return { kept, onData, end };
}

/** How long output may still arrive after a child exited. */
const EXIT_DRAIN_MS = 2000;

function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return signal !== null ? 128 + (constants.signals[signal] ?? 0) : 1;
}

/** Starts the child; `done` settles once it ended and its output is read (or could not start: code 127). */
export function startChild(spec: ChildSpec): Child {
  const terminal = spec.output.mode === 'terminal';
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...spec.env },
    stdio: terminal ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    detached: !terminal,
  });
  const kill = (signal: NodeJS.Signals) => signalChild(child, signal, !terminal);
  const sink = outputSink(spec.output);
  for (const key of ['stdout', 'stderr'] as const) {
    child[key]?.setEncoding('utf8');
    child[key]?.on('data', (text: string) => sink.onData(key, text));
  }
  const timer =
    spec.timeoutMs === undefined ? undefined : setTimeout(() => kill('SIGKILL'), spec.timeoutMs);
  const done = new Promise<Captured>((resolve) => {
    // A second resolve() is a no-op: the first of 'error' and 'close' is the result.
    const settle = (code: number, signal: NodeJS.Signals | null, error?: Error) => {
      clearTimeout(timer);
      sink.end();
      const stderr = error ? `${sink.kept.stderr}${error.message}\n` : sink.kept.stderr;
      resolve({ code, signal, error, stdout: sink.kept.stdout, output: sink.kept.output, stderr });
    };
    child.on('error', (error) => settle(127, null, error));
    // 'close' waits for the pipes: a grandchild the tool left behind may hold them open. Once the child itself
    // has exited, give its output a moment to drain, then stop waiting.
    child.on('exit', (code, signal) => {
      // An interrupted child's strays that outlived it (one that ignores SIGINT, as `cmd &` in a script does) go too.
      signalStrays(STRAYS.get(child) ?? [], 'SIGKILL');
      const drained = () => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        child.emit('close', code, signal);
      };
      setTimeout(drained, EXIT_DRAIN_MS).unref();
    });
    child.on('close', (code, signal) => settle(exitCode(code, signal), signal));
  });
  return { done, kill };
}
