/** One child process, its output captured (and passed to `onData` as it comes): the commands' and tasks' small runs. */
import { spawn } from 'node:child_process';

export interface Captured {
  /** The exit code; 127 when it could not start (its reason ends stderr), 128 + n when a signal ended it. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CaptureOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ends the child (SIGTERM) when aborted: Ctrl-C during a step. */
  readonly signal?: AbortSignal;
  readonly onData?: (text: string) => void;
}

export function capture(command: string, args: readonly string[], o: CaptureOptions): Promise<Captured> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      cwd: o.cwd,
      env: { ...o.env },
      signal: o.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), o.onData?.(d.toString())));
    child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), o.onData?.(d.toString())));
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: `${stderr}${e.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal !== null ? 128 : 1), stdout, stderr }));
  });
}
