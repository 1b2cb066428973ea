/** Runs one exec step as a child process: output to its log and tails, a failure report when it fails. */
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { commandLine, formatDuration } from '../format';
import type { ExecStep } from '../plan/steps';
import { Tail } from './log';

/** How long output may still arrive after a child exited. */
const EXIT_DRAIN_MS = 2000;
/** Lines of a failed step's output shown. */
const TAIL_LINES = 20;

export interface StepOutcome {
  readonly ok: boolean;
  /** Lines explaining a failure. */
  readonly report?: string[];
}

export interface SpawnOptions {
  /** The environment children inherit; the step's own `env` is added to it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The log file descriptor. */
  readonly log: number;
  readonly onOutput: (text: string) => void;
  /** Receives the function that signals the running child (its whole process group). */
  readonly setKill: (kill: ((signal: NodeJS.Signals) => void) | undefined) => void;
  readonly show: (path: string) => string;
}

/** Signals the child's process group (it runs in its own: see runExec). */
export function groupKiller(child: ReturnType<typeof spawn>) {
  return (signal: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
}

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError?: Error;
  readonly stderr: Tail;
  readonly output: Tail;
}

/** What the failure report says about a step that did not exit 0. */
function failureReport(step: ExecStep, ended: Ended, o: SpawnOptions): string[] {
  const head = [`command:   ${commandLine(step.command, step.args)}`, `cwd:       ${o.show(step.cwd)}`];
  if (ended.spawnError !== undefined) {
    const e = ended.spawnError as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'not found (is it on PATH?)' : e.message;
    return [...head, `exit code: none: could not start ${step.command}: ${reason}`];
  }
  const fromStderr = step.failureOutput === 'stderr' && ended.stderr.lines(1).length > 0;
  const tail = (fromStderr ? ended.stderr : ended.output).lines(TAIL_LINES);
  const hints = (step.hints ?? []).filter((h) => h.match.test(ended.output.all())).map((h) => `hint:      ${h.text}`);
  return [
    ...head,
    `exit code: ${ended.signal !== null ? `none (killed by ${ended.signal})` : ended.code}`,
    tail.length === 0
      ? '(it printed nothing)'
      : `last ${tail.length} lines of its ${fromStderr ? 'stderr' : 'output'}:`,
    ...tail.map((line) => `| ${line}`),
    ...hints,
  ];
}

export function runExec(step: ExecStep, o: SpawnOptions): Promise<StepOutcome> {
  const started = Date.now();
  const stderr = new Tail();
  const output = new Tail();
  return new Promise((resolve) => {
    let spawnError: Error | undefined;
    const child = spawn(step.command, [...step.args], {
      cwd: step.cwd,
      env: { ...o.env, ...step.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal's Ctrl-C reaches only the driver, which forwards it exactly once
      // (Terraform treats a second interrupt as "abort now") to the child and its children.
      detached: true,
    });
    o.setKill(groupKiller(child));
    const onData = (isErr: boolean) => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      writeSync(o.log, chunk);
      output.add(text);
      if (isErr) stderr.add(text);
      o.onOutput(text);
    };
    child.stdout?.on('data', onData(false));
    child.stderr?.on('data', onData(true));
    child.on('error', (error) => (spawnError = error));
    // 'close' waits for the pipes: a grandchild the tool left behind may hold them open. Once the child itself
    // has exited, give its output a moment to drain, then stop waiting.
    child.on('exit', (code, signal) => {
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        child.emit('close', code, signal);
      }, EXIT_DRAIN_MS).unref();
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      o.setKill(undefined);
      const ended = { code, signal, spawnError, stderr, output };
      writeSync(
        o.log,
        spawnError !== undefined
          ? `# could not start ${step.command}: ${spawnError.message}\n`
          : `# ${signal !== null ? `killed by ${signal}` : `exit code ${code}`} after ${formatDuration(Date.now() - started)}\n`,
      );
      resolve(
        code === 0 && spawnError === undefined ? { ok: true } : { ok: false, report: failureReport(step, ended, o) },
      );
    });
  });
}
