/**
 * The one runner: executes a plan step by step, tees every step's full output to `<runDir>/logs/NN-<step>.log`,
 * shows progress, stops at the first failure with everything needed to understand and resume it, and handles
 * Ctrl-C by stopping the running child cleanly. Children and signals are the executor's (exec/exec.ts), the progress
 * line progress.ts's, output tails log.ts's.
 */
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT_FAILED } from '../../lib/exit-codes';
import { addedEnv, commandLine, displayPath, formatDuration, Style } from '../format';
import { activeSteps, ExecStep, Plan, PlannedStep, StepName, Task } from '../plan/steps';
import { packerErrorLine } from '../tool-errors';
import type { Captured } from '../exec/capture';
import type { Exec } from '../exec/exec';
import { writeDerived } from './derived';
import { cleanTail, logText } from './log';
import { skippedLines, startProgress, Terminal } from './progress';
import { SIGNAL_EXIT } from '../../lib/signals';

/** How much of an exec step's output is kept for its failure report, and how many lines of it are shown. */
const TAIL_BYTES = 64 * 1024;
const TAIL_LINES = 20;

/** A failure an in-process task reports: a one-line message and optional detail lines. */
export class StepFailure extends Error {
  override name = 'StepFailure';
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface TaskContext {
  /** Appends to the step's log (and the screen with --verbose). */
  log(text: string): void;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /** Runs the task's children: Ctrl-C is forwarded to them once, as to a step's. */
  readonly exec: Exec;
}

export interface RunOptions {
  readonly out: Terminal;
  readonly err: Terminal;
  readonly style: Style;
  /** Paths are printed relative to this (the repository root). */
  readonly root: string;
  readonly verbose?: boolean;
  /** The command line that resumes at a step, e.g. `npx docker-hosts up stage --from deploy`. */
  resumeCommand(step: StepName): string;
  readonly runTask: (task: Task, ctx: TaskContext) => Promise<void>;
  /** Called after each step that succeeded (records image builds and outputs in the run state). */
  onStepDone?(step: PlannedStep): void;
  /** The command's executor: runs the exec steps' children and knows whether a signal came. */
  readonly exec: Exec;
  /** When the command started (Date.now()): the final total counts the planning before the steps. @default now */
  readonly started?: number;
}

/** A run under way: its options, the plan and its active steps, when it started. */
type Run = RunOptions & {
  readonly plan: Plan;
  readonly steps: readonly PlannedStep[];
  readonly started: number;
  readonly show: (path: string) => string;
};

const plural = (n: number) => `${n} ${n === 1 ? 'step' : 'steps'}`;
const since = (started: number) => formatDuration(Date.now() - started);

/** Runs the plan; its exit code: 0, EXIT_FAILED, or 128 + the number of the signal that interrupted it. */
export async function runPlan(plan: Plan, o: RunOptions): Promise<number> {
  const steps = activeSteps(plan);
  const started = o.started ?? Date.now();
  const run: Run = { ...o, plan, steps, started, show: (p) => displayPath(p, o.root) };
  mkdirSync(join(plan.runDir, 'logs'), { recursive: true });
  const skipped = plan.steps.length - steps.length;
  o.out.write(
    `${o.style.bold(`${plan.command} ${plan.environment}`)}: ${plural(steps.length)}` +
      `${skipped > 0 ? ` (${skipped} skipped)` : ''}; run folder ${run.show(plan.runDir)}\n${skippedLines(plan, o.style)}`,
  );
  for (let i = 0; i < steps.length; i++) {
    const exitCode = await runStep(run, i);
    if (exitCode !== undefined) return exitCode;
  }
  o.out.write(
    `${o.style.green(o.style.bold('done'))}: ${plan.command} ${plan.environment}, ${plural(steps.length)} ` +
      `in ${since(run.started)}; logs in ${run.show(join(plan.runDir, 'logs'))}\n`,
  );
  return 0;
}

/** Runs step i; the exit code when the run stops there. */
async function runStep(run: Run, i: number): Promise<number | undefined> {
  const { out, err, style } = run;
  const step = run.steps[i];
  const label = `[${i + 1}/${run.steps.length}] ${step.title}`;
  // Numbered by the step's place in the whole plan: stable across resumes.
  const n = String(run.plan.steps.findIndex((s) => s.name === step.name) + 1).padStart(2, '0');
  const logPath = join(run.plan.runDir, 'logs', `${n}-${step.name}.log`);
  const started = Date.now();
  let failure: string[] | undefined;
  if (run.exec.interrupted === undefined) {
    const live = startProgress(out, style, label, run.verbose ?? false);
    failure = await execute(run, step, logPath, live.onOutput);
    live.stop();
  }
  const took = since(started);
  const signal = run.exec.interrupted;
  if (signal === undefined && failure === undefined) {
    out.write(`${label} ${style.green('ok')} ${took}\n`);
    run.onStepDone?.(step);
    return undefined;
  }
  const command =
    step.kind === 'exec' ? [`command:   ${commandLine(step.command, step.args)}`] : [];
  const [color, status, headline, lines] =
    signal !== undefined
      ? [style.yellow, 'INTERRUPTED', `Interrupted (${signal}) at step "${step.name}"`, command]
      : [style.red, 'FAILED', `Step "${step.name}" failed`, failure!];
  out.write(`${label} ${color(status)} ${took}\n`);
  lines.push(`log:       ${run.show(logPath)}`, `resume:    ${run.resumeCommand(step.name)}`);
  err.write(
    ['', color(style.bold(`${headline}: ${step.title}`)), ...lines.map((l) => `  ${l}`), ''].join(
      '\n',
    ),
  );
  if (signal === undefined) {
    out.write(
      `stopped at step ${i + 1} of ${run.steps.length} after ${since(run.started)}; nothing after it ran\n`,
    );
    return EXIT_FAILED;
  }
  // The run folder says where it stopped, as the review's interruptions do.
  writeFileSync(
    join(run.plan.runDir, 'interrupted.txt'),
    [`${headline}: ${step.title}`, ...lines, ''].join('\n'),
  );
  return SIGNAL_EXIT[signal];
}

/** Checks what the step needs, writes its files, runs it with its log open; the lines that explain a failure. */
async function execute(
  run: Run,
  step: PlannedStep,
  logPath: string,
  onOutput: (text: string) => void,
) {
  const missing = (step.needs ?? []).filter((n) => !existsSync(n.path));
  const why = (from: string) => `which step "${from}" writes: run it first (--from ${from})`;
  if (missing.length > 0) return missing.map((n) => `needs ${run.show(n.path)}, ${why(n.from)}`);
  for (const file of step.writes ?? []) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }
  const notDerived = writeDerived(step.derives ?? []);
  if (notDerived !== undefined) return [notDerived];
  const log = openSync(logPath, 'a');
  const tee = (text: string) => {
    writeSync(log, logText(text));
    onOutput(text);
  };
  try {
    const what =
      step.kind === 'task'
        ? ` (in-process: ${step.task.type})`
        : `\n# $ ${commandLine(step.command, step.args)}\n# cwd: ${step.cwd}\n# env: ${addedEnv(step.env)}`;
    writeSync(log, `# ${new Date().toISOString()} step ${step.name}${what}\n`);
    if (step.kind === 'task') return await taskStep(run, step.task, log, tee);
    return await execStep(run, step, log, tee);
  } finally {
    closeSync(log);
  }
}

/** An in-process task: aborted on Ctrl-C; a StepFailure is its failure report. */
async function taskStep(run: Run, task: Task, log: number, tee: (text: string) => void) {
  const logLine = (text: string) => tee(text.endsWith('\n') ? text : `${text}\n`);
  try {
    await run.runTask(task, { log: logLine, signal: run.exec.signal, exec: run.exec });
    writeSync(log, '# ok\n');
    return undefined;
  } catch (error) {
    const failure =
      error instanceof StepFailure
        ? error
        : new StepFailure(String((error as Error)?.stack ?? error));
    writeSync(
      log,
      `# failed: ${failure.message}\n${failure.details.map((d) => `#   ${d}\n`).join('')}`,
    );
    return [failure.message, ...failure.details.map((d) => `  ${d}`)];
  }
}

/** An exec step: a child in its own process group, its output to the log (and the progress line) as it comes. */
async function execStep(run: Run, step: ExecStep, log: number, tee: (text: string) => void) {
  const started = Date.now();
  const output = { mode: 'log', write: tee, keep: TAIL_BYTES } as const;
  const ran = await run.exec.run({
    command: step.command,
    args: step.args,
    cwd: step.cwd,
    env: step.env,
    output,
  });
  const ended = ran.signal !== null ? `killed by ${ran.signal}` : `exit code ${ran.code}`;
  const line = ran.error
    ? `could not start ${step.command}: ${ran.error.message}`
    : `${ended} after ${since(started)}`;
  writeSync(log, `# ${line}\n`);
  return ran.code === 0 ? undefined : execFailure(step, ran, run.show);
}

/** What the failure report says about an exec step that did not exit 0. */
function execFailure(step: ExecStep, ran: Captured, show: (path: string) => string): string[] {
  const head = [
    `command:   ${commandLine(step.command, step.args)}`,
    `cwd:       ${show(step.cwd)}`,
  ];
  if (ran.error !== undefined) {
    const e = ran.error as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'not found (is it on PATH?)' : e.message;
    return [...head, `exit code: none: could not start ${step.command}: ${reason}`];
  }
  const fromStderr = step.failureOutput === 'stderr' && cleanTail(ran.stderr, 1).length > 0;
  const tail = cleanTail(fromStderr ? ran.stderr : ran.output, TAIL_LINES);
  const cause = step.command === 'packer' ? packerErrorLine(tail.join('\n')) : undefined;
  return [
    ...(cause === undefined ? [] : [`packer ${step.args[0]} failed: ${cause}`]),
    ...head,
    `exit code: ${ran.signal !== null ? `none (killed by ${ran.signal})` : ran.code}`,
    tail.length > 0
      ? `last ${tail.length} lines of its ${fromStderr ? 'stderr' : 'output'}:`
      : '(it printed nothing)',
    ...tail.map((line) => `| ${line}`),
  ];
}
