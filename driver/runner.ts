/**
 * The one runner: executes a plan step by step, tees every step's full output to `<runDir>/logs/NN-<step>.log`,
 * shows progress, stops at the first failure with everything needed to understand and resume it, and handles
 * Ctrl-C by stopping the running child cleanly.
 */
import { boundTail } from '../lib/bounded-tail';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commandLine, displayPath, formatDuration, lastLines, stripAnsi, Style } from './format';
import { activeSteps, ExecStep, Plan, PlannedStep, StepName, Task } from './steps';

/** Where the driver prints: a stream-like sink that knows whether it is a terminal. */
export interface Terminal {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** `process` in production; an EventEmitter in tests. */
export interface SignalSource {
  on(signal: Signal, listener: () => void): unknown;
  off(signal: Signal, listener: () => void): unknown;
}

/** A failure an in-process task reports: a one-line message and optional detail lines. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export interface TaskContext {
  /** Appends to the step's log (and the screen with --verbose). */
  log(text: string): void;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
}

export type TaskHandler = (task: Task, ctx: TaskContext) => Promise<void>;

export interface RunOptions {
  readonly out: Terminal;
  readonly err: Terminal;
  readonly style: Style;
  /** The environment children inherit; each step's own `env` is added to it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Paths are printed relative to this (the repository root). */
  readonly root: string;
  readonly verbose?: boolean;
  /** The command line that resumes at a step, e.g. `npm run pipeline -- up stage --from deploy`. */
  resumeCommand(step: StepName): string;
  readonly runTask: TaskHandler;
  /** Called after each step that succeeded (records image builds and outputs in the run state). */
  onStepDone?(step: PlannedStep): void;
  readonly signals: SignalSource;
  /** Lines of a failed step's output shown. */
  readonly tailLines?: number;
  /** Milliseconds; injectable for tests. */
  readonly clock?: () => number;
}

export interface RunResult {
  readonly outcome: 'ok' | 'failed' | 'interrupted';
  readonly exitCode: number;
  /** The step that failed or was interrupted. */
  readonly step?: StepName;
}

/** Exit codes: 1 a step failed; 128 + signal number when interrupted (130 for Ctrl-C). */
export const EXIT_FAILED = 1;
const SIGNAL_EXIT: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
/**
 * What the running child gets. SIGHUP (the terminal was closed; children run in their own process group, so they
 * do not get it from the terminal) is passed on as SIGTERM: Terraform and Packer stop gracefully on SIGTERM,
 * while SIGHUP would end cdktf and Terraform at once, leaving a state lock.
 */
const FORWARDED: Record<Signal, NodeJS.Signals> = { SIGINT: 'SIGINT', SIGTERM: 'SIGTERM', SIGHUP: 'SIGTERM' };
/** A second signal this soon after the first is the same Ctrl-C delivered twice (npm forwards it too). */
const SAME_SIGNAL_WINDOW_MS = 1000;
const TAIL_BYTES = 64 * 1024;
/** How long output may still arrive after a child exited. */
const EXIT_DRAIN_MS = 2000;

/** Keeps the end of a stream of text, bounded. */
class Tail {
  private text = '';
  add(chunk: string): void {
    this.text += chunk;
    if (this.text.length > TAIL_BYTES * 2) this.text = this.text.slice(-TAIL_BYTES);
  }
  lines(count: number): string[] {
    return cleanTail(this.text, count);
  }
  all(): string {
    return stripAnsi(this.text);
  }
}

/** Progress noise that says nothing about a failure: spinner frames, cdktf's stack counters. */
const NOISE = [/^[\u2800-\u28ff]\s/, /^\d+ Stacks? deploying\s+\d+ Stacks? done\s+\d+ Stacks? waiting$/];

/**
 * The last `count` meaningful lines of a tool's output: escape sequences stripped (cdktf repaints its screen),
 * progress noise and consecutive repeats dropped, common indentation removed.
 */
export function cleanTail(text: string, count: number): string[] {
  const lines: string[] = [];
  for (const raw of stripAnsi(text).split(/\r?\n|\r/)) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === '' || NOISE.some((re) => re.test(trimmed)) || lines[lines.length - 1] === line) continue;
    lines.push(line);
  }
  const tail = lines.slice(-count);
  const indent = Math.min(...tail.map((l) => /^\s*/.exec(l)![0].length));
  return boundTail(tail.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)));
}

interface StepOutcome {
  readonly ok: boolean;
  /** Lines explaining a failure. */
  readonly report?: string[];
}

export function logFileFor(plan: Plan, step: StepName): string {
  const index = plan.steps.findIndex((s) => s.name === step);
  return join(plan.runDir, 'logs', `${String(index + 1).padStart(2, '0')}-${step}.log`);
}

function describeEnv(env: Readonly<Record<string, string>>): string {
  const entries = Object.entries(env);
  return entries.length === 0 ? '(nothing added)' : entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

export async function runPlan(plan: Plan, options: RunOptions): Promise<RunResult> {
  const { out, err, style } = options;
  const clock = options.clock ?? Date.now;
  const tailCount = options.tailLines ?? 20;
  const steps = activeSteps(plan);
  const total = steps.length;
  const runStarted = clock();
  const show = (path: string) => displayPath(path, options.root);

  // Signal handling for the whole run: forward to the running child, or abort the running task.
  let interrupted: { signal: Signal; at: number } | undefined;
  let killCurrent: ((signal: NodeJS.Signals) => void) | undefined;
  const onSignal = (signal: Signal) => {
    const now = clock();
    if (interrupted === undefined) {
      interrupted = { signal, at: now };
      out.write(
        `\n${style.yellow(`${signal}${signal === 'SIGHUP' ? ' (terminal closed)' : ''}: stopping the current step and waiting for it to exit`)} ` +
          `(${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to kill it, which may leave a Terraform state lock)\n`,
      );
      killCurrent?.(FORWARDED[signal]);
    } else if (now - interrupted.at > SAME_SIGNAL_WINDOW_MS) {
      out.write(`${style.red('killing the current step')}\n`);
      killCurrent?.('SIGKILL');
    }
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  const onHup = () => onSignal('SIGHUP');
  options.signals.on('SIGINT', onInt);
  options.signals.on('SIGTERM', onTerm);
  options.signals.on('SIGHUP', onHup);

  try {
    mkdirSync(join(plan.runDir, 'logs'), { recursive: true });
    out.write(
      `${style.bold(`${plan.command} ${plan.environment}`)}: ${total} ${total === 1 ? 'step' : 'steps'}` +
        `${plan.steps.length > total ? ` (${plan.steps.length - total} skipped)` : ''}; ` +
        `run folder ${show(plan.runDir)}\n`,
    );
    // Skipped steps, consecutive ones with the same reason on one line.
    const skipped: { names: string[]; reason: string }[] = [];
    for (const step of plan.steps) {
      if (step.skip === undefined) continue;
      const last = skipped[skipped.length - 1];
      if (last?.reason === step.skip) last.names.push(step.name);
      else skipped.push({ names: [step.name], reason: step.skip });
    }
    for (const { names, reason } of skipped) out.write(`${style.dim(`      skip ${names.join(', ')}: ${reason}`)}\n`);

    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const label = `[${i + 1}/${total}] ${step.title}`;
      const logPath = logFileFor(plan, step.name);
      if (interrupted !== undefined) {
        return reportInterrupted(step, label, logPath, 0);
      }
      const started = clock();
      const live = startProgress(out, style, label, options.verbose ?? false, clock);
      let outcome: StepOutcome;
      const missing = (step.needs ?? []).filter((n) => !existsSync(n.path));
      if (missing.length > 0) {
        outcome = {
          ok: false,
          report: missing.map(
            (n) => `needs ${show(n.path)}, which step "${n.from}" writes: run it first (--from ${n.from})`,
          ),
        };
      } else {
        for (const file of step.writes ?? []) {
          mkdirSync(dirname(file.path), { recursive: true });
          writeFileSync(file.path, file.content);
        }
        const log = openSync(logPath, 'a');
        try {
          outcome = await runStep(step, log, live.onOutput);
        } finally {
          closeSync(log);
        }
      }
      const elapsed = clock() - started;
      live.stop();
      if (interrupted !== undefined) return reportInterrupted(step, label, logPath, elapsed);
      if (!outcome.ok) {
        out.write(`${label} ${style.red('FAILED')} ${formatDuration(elapsed)}\n`);
        err.write(
          [
            '',
            style.red(style.bold(`Step "${step.name}" failed: ${step.title}`)),
            ...(outcome.report ?? []).map((line) => `  ${line}`),
            `  log:       ${show(logPath)}`,
            `  resume:    ${options.resumeCommand(step.name)}`,
            '',
          ].join('\n'),
        );
        out.write(
          `stopped at step ${i + 1} of ${total} after ${formatDuration(clock() - runStarted)}; nothing after it ran\n`,
        );
        return { outcome: 'failed', exitCode: EXIT_FAILED, step: step.name };
      }
      out.write(`${label} ${style.green('ok')} ${formatDuration(elapsed)}\n`);
      options.onStepDone?.(step);
    }
    out.write(
      `${style.green(style.bold('done'))}: ${plan.command} ${plan.environment}, ${total} ${total === 1 ? 'step' : 'steps'} ` +
        `in ${formatDuration(clock() - runStarted)}; logs in ${show(join(plan.runDir, 'logs'))}\n`,
    );
    return { outcome: 'ok', exitCode: 0 };
  } finally {
    options.signals.off('SIGINT', onInt);
    options.signals.off('SIGTERM', onTerm);
    options.signals.off('SIGHUP', onHup);
    killCurrent = undefined;
  }

  function reportInterrupted(step: PlannedStep, label: string, logPath: string, elapsed: number): RunResult {
    const signal = interrupted?.signal ?? 'SIGINT';
    out.write(`${label} ${style.yellow('INTERRUPTED')} ${formatDuration(elapsed)}\n`);
    err.write(
      [
        '',
        style.yellow(style.bold(`Interrupted (${signal}) at step "${step.name}": ${step.title}`)),
        ...(step.kind === 'exec' ? [`  command:   ${commandLine(step.command, step.args)}`] : []),
        `  log:       ${show(logPath)}`,
        `  resume:    ${options.resumeCommand(step.name)}`,
        '',
      ].join('\n'),
    );
    return { outcome: 'interrupted', exitCode: SIGNAL_EXIT[signal], step: step.name };
  }

  function runStep(step: PlannedStep, log: number, onOutput: (text: string) => void): Promise<StepOutcome> {
    const header =
      step.kind === 'exec'
        ? `# ${new Date().toISOString()} step ${step.name}\n# $ ${commandLine(step.command, step.args)}\n` +
          `# cwd: ${step.cwd}\n# env: ${describeEnv(step.env)}\n`
        : `# ${new Date().toISOString()} step ${step.name} (in-process: ${step.task.type})\n`;
    writeSync(log, header);
    return step.kind === 'exec' ? runExec(step, log, onOutput) : runTaskStep(step.task, log, onOutput);
  }

  function runExec(step: ExecStep, log: number, onOutput: (text: string) => void): Promise<StepOutcome> {
    const started = clock();
    const stderrTail = new Tail();
    const outputTail = new Tail();
    return new Promise((resolve) => {
      let settled = false;
      let spawnError: Error | undefined;
      const child = spawn(step.command, [...step.args], {
        cwd: step.cwd,
        env: { ...options.env, ...step.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Own process group: a terminal's Ctrl-C reaches only the driver, which forwards it exactly once
        // (Terraform treats a second interrupt as "abort now") to the child and its children.
        detached: true,
      });
      killCurrent = (signal) => {
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          child.kill(signal);
        }
      };
      const onData = (isErr: boolean) => (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        writeSync(log, chunk);
        outputTail.add(text);
        if (isErr) stderrTail.add(text);
        onOutput(text);
      };
      child.stdout?.on('data', onData(false));
      child.stderr?.on('data', onData(true));
      child.on('error', (error) => {
        spawnError = error;
      });
      // 'close' waits for the pipes: a grandchild the tool left behind may hold them open. Once the child itself
      // has exited, give its output a moment to drain, then stop waiting.
      child.on('exit', (code, signal) => {
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          child.emit('close', code, signal);
        }, EXIT_DRAIN_MS).unref();
      });
      child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        killCurrent = undefined;
        const elapsed = formatDuration(clock() - started);
        const command = `command:   ${commandLine(step.command, step.args)}`;
        const cwd = `cwd:       ${show(step.cwd)}`;
        if (spawnError !== undefined) {
          const reason =
            (spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found (is it on PATH?)' : spawnError.message;
          writeSync(log, `# could not start ${step.command}: ${spawnError.message}\n`);
          resolve({
            ok: false,
            report: [command, cwd, `exit code: none: could not start ${step.command}: ${reason}`],
          });
          return;
        }
        writeSync(log, `# ${signal !== null ? `killed by ${signal}` : `exit code ${code}`} after ${elapsed}\n`);
        if (code === 0) {
          resolve({ ok: true });
          return;
        }
        const fromStderr = step.failureOutput === 'stderr' && stderrTail.lines(1).length > 0;
        const tail = fromStderr ? stderrTail.lines(tailCount) : outputTail.lines(tailCount);
        const hints = (step.hints ?? [])
          .filter((h) => h.match.test(outputTail.all()))
          .map((h) => `hint:      ${h.text}`);
        resolve({
          ok: false,
          report: [
            command,
            cwd,
            `exit code: ${signal !== null ? `none (killed by ${signal})` : code}`,
            tail.length === 0
              ? '(it printed nothing)'
              : `last ${tail.length} lines of its ${fromStderr ? 'stderr' : 'output'}:`,
            ...tail.map((line) => `| ${line}`),
            ...hints,
          ],
        });
      });
    });
  }

  async function runTaskStep(task: Task, log: number, onOutput: (text: string) => void): Promise<StepOutcome> {
    const controller = new AbortController();
    killCurrent = () => controller.abort();
    const logLine = (text: string) => {
      const line = text.endsWith('\n') ? text : `${text}\n`;
      writeSync(log, line);
      onOutput(line);
    };
    try {
      await options.runTask(task, { log: logLine, signal: controller.signal });
      writeSync(log, '# ok\n');
      return { ok: true };
    } catch (error) {
      const failure = error instanceof StepFailure ? error : new StepFailure(String((error as Error)?.stack ?? error));
      writeSync(log, `# failed: ${failure.message}\n${failure.details.map((d) => `#   ${d}\n`).join('')}`);
      return { ok: false, report: [failure.message, ...failure.details.map((d) => `  ${d}`)] };
    } finally {
      killCurrent = undefined;
    }
  }
}

interface Progress {
  onOutput(text: string): void;
  stop(): void;
}

/**
 * On a terminal: one line that shows the elapsed time and the step's latest output, rewritten in place.
 * Otherwise: a plain start line (the result line follows when the step ends). --verbose streams all output.
 */
function startProgress(out: Terminal, style: Style, label: string, verbose: boolean, clock: () => number): Progress {
  const started = clock();
  if (verbose || !out.isTTY) {
    out.write(`${label} …\n`);
    return {
      onOutput: verbose ? (text) => out.write(text.replace(/^(?=.)/gm, '    ')) : () => undefined,
      stop: () => undefined,
    };
  }
  let latest = '';
  const render = () => {
    const elapsed = `${Math.floor((clock() - started) / 1000)}s`;
    const width = Math.max(20, (out.columns ?? 80) - 1);
    const head = `${label} … ${elapsed}`;
    const room = width - head.length - 2;
    const detail = room > 10 && latest !== '' ? `  ${latest.slice(0, room)}` : '';
    out.write(`\r\x1b[2K${head}${style.dim(detail)}`);
  };
  render();
  const timer = setInterval(render, 1000);
  timer.unref();
  return {
    onOutput(text) {
      const lines = lastLines(stripAnsi(text), 1);
      if (lines.length > 0) latest = lines[0].replace(/\s+/g, ' ').trim();
    },
    stop() {
      clearInterval(timer);
      out.write('\r\x1b[2K');
    },
  };
}
