/**
 * The one runner: executes a plan step by step, tees every step's full output to `<runDir>/logs/NN-<step>.log`,
 * shows progress, stops at the first failure with everything needed to understand and resume it, and handles
 * Ctrl-C by stopping the running child cleanly. Spawning is spawn.ts's, the progress line progress.ts's, the
 * log files log.ts's, signals signals.ts's.
 */
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT_FAILED } from '../exit-codes';
import { commandLine, displayPath, formatDuration, Style } from '../format';
import { activeSteps, Plan, PlannedStep, StepName, Task } from '../plan/steps';
import { writeDerived } from './derived';
import { logFileFor, logHeader } from './log';
import { Progress, skippedLines, startProgress, Terminal } from './progress';
import { Interrupts, SIGNAL_EXIT, SignalSource } from './signals';
import { runExec, StepOutcome } from './spawn';

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
}

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
  readonly runTask: (task: Task, ctx: TaskContext) => Promise<void>;
  /** Called after each step that succeeded (records image builds and outputs in the run state). */
  onStepDone?(step: PlannedStep): void;
  readonly signals: SignalSource;
}

export interface RunResult {
  /** 0, EXIT_FAILED, or 128 + the signal's number. */
  readonly exitCode: number;
}

export async function runPlan(plan: Plan, options: RunOptions): Promise<RunResult> {
  const run = new PlanRun(plan, options);
  return run.all().finally(() => run.interrupts.stop());
}

class PlanRun {
  readonly interrupts: Interrupts;
  private readonly started = Date.now();
  private readonly steps: PlannedStep[];

  constructor(
    private readonly plan: Plan,
    private readonly o: RunOptions,
  ) {
    this.steps = activeSteps(plan);
    this.interrupts = new Interrupts(o.signals, o.out, o.style);
  }

  private show = (path: string) => displayPath(path, this.o.root);
  private plural = (n: number) => `${n} ${n === 1 ? 'step' : 'steps'}`;

  async all(): Promise<RunResult> {
    const { plan, o, steps } = this;
    mkdirSync(join(plan.runDir, 'logs'), { recursive: true });
    const skipped = plan.steps.length - steps.length;
    o.out.write(
      `${o.style.bold(`${plan.command} ${plan.environment}`)}: ${this.plural(steps.length)}` +
        `${skipped > 0 ? ` (${skipped} skipped)` : ''}; run folder ${this.show(plan.runDir)}\n${skippedLines(plan, o.style)}`,
    );
    for (let i = 0; i < steps.length; i++) {
      const result = await this.step(i);
      if (result !== undefined) return result;
    }
    o.out.write(
      `${o.style.green(o.style.bold('done'))}: ${plan.command} ${plan.environment}, ${this.plural(steps.length)} ` +
        `in ${formatDuration(Date.now() - this.started)}; logs in ${this.show(join(plan.runDir, 'logs'))}\n`,
    );
    return { exitCode: 0 };
  }

  /** Runs step i; a result when the run stops there. */
  private async step(i: number): Promise<RunResult | undefined> {
    const { o } = this;
    const style = o.style;
    const step = this.steps[i];
    const label = `[${i + 1}/${this.steps.length}] ${step.title}`;
    const logPath = logFileFor(this.plan, step.name);
    if (this.interrupts.received !== undefined) return this.interrupted(step, label, logPath, 0);
    const started = Date.now();
    const live = startProgress(o.out, style, label, o.verbose ?? false);
    const outcome = await this.execute(step, logPath, live);
    const elapsed = Date.now() - started;
    live.stop();
    if (this.interrupts.received !== undefined) return this.interrupted(step, label, logPath, elapsed);
    if (!outcome.ok) return this.failed(i, outcome, label, logPath, elapsed);
    o.out.write(`${label} ${style.green('ok')} ${formatDuration(elapsed)}\n`);
    o.onStepDone?.(step);
    return undefined;
  }

  /** Checks what the step needs, writes its files, runs it with its log open. */
  private async execute(step: PlannedStep, logPath: string, live: Progress): Promise<StepOutcome> {
    const missing = (step.needs ?? []).filter((n) => !existsSync(n.path));
    if (missing.length > 0) {
      const report = missing.map(
        (n) => `needs ${this.show(n.path)}, which step "${n.from}" writes: run it first (--from ${n.from})`,
      );
      return { ok: false, report };
    }
    for (const file of step.writes ?? []) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.content);
    }
    const notDerived = writeDerived(step.derives ?? []);
    if (notDerived !== undefined) return { ok: false, report: [notDerived] };
    const log = openSync(logPath, 'a');
    try {
      writeSync(log, logHeader(step));
      if (step.kind === 'task') return await this.task(step.task, log, live.onOutput);
      const setKill = (kill?: (signal: NodeJS.Signals) => void) => (this.interrupts.kill = kill);
      return await runExec(step, { env: this.o.env, log, onOutput: live.onOutput, show: this.show, setKill });
    } finally {
      closeSync(log);
    }
  }

  /** An in-process task: aborted on Ctrl-C; a StepFailure is its failure report. */
  private async task(task: Task, log: number, onOutput: (text: string) => void): Promise<StepOutcome> {
    const controller = new AbortController();
    this.interrupts.kill = () => controller.abort();
    const logLine = (text: string) => {
      const line = text.endsWith('\n') ? text : `${text}\n`;
      writeSync(log, line);
      onOutput(line);
    };
    try {
      await this.o.runTask(task, { log: logLine, signal: controller.signal });
      writeSync(log, '# ok\n');
      return { ok: true };
    } catch (error) {
      const failure = error instanceof StepFailure ? error : new StepFailure(String((error as Error)?.stack ?? error));
      writeSync(log, `# failed: ${failure.message}\n${failure.details.map((d) => `#   ${d}\n`).join('')}`);
      return { ok: false, report: [failure.message, ...failure.details.map((d) => `  ${d}`)] };
    } finally {
      this.interrupts.kill = undefined;
    }
  }

  /** The report on stderr: a headline, what explains it, the step's log and the line that resumes. */
  private report(step: PlannedStep, logPath: string, headline: string, lines: readonly string[]): void {
    const resume = this.o.resumeCommand(step.name);
    const tail = [`  log:       ${this.show(logPath)}`, `  resume:    ${resume}`];
    this.o.err.write(['', headline, ...lines, ...tail, ''].join('\n'));
  }

  private failed(i: number, outcome: StepOutcome, label: string, logPath: string, elapsed: number): RunResult {
    const { out, style } = this.o;
    const step = this.steps[i];
    out.write(`${label} ${style.red('FAILED')} ${formatDuration(elapsed)}\n`);
    const headline = style.red(style.bold(`Step "${step.name}" failed: ${step.title}`));
    const lines = (outcome.report ?? []).map((line) => `  ${line}`);
    this.report(step, logPath, headline, lines);
    const took = formatDuration(Date.now() - this.started);
    out.write(`stopped at step ${i + 1} of ${this.steps.length} after ${took}; nothing after it ran\n`);
    return { exitCode: EXIT_FAILED };
  }

  private interrupted(step: PlannedStep, label: string, logPath: string, elapsed: number): RunResult {
    const { out, style } = this.o;
    const signal = this.interrupts.received?.signal ?? 'SIGINT';
    out.write(`${label} ${style.yellow('INTERRUPTED')} ${formatDuration(elapsed)}\n`);
    const headline = style.yellow(style.bold(`Interrupted (${signal}) at step "${step.name}": ${step.title}`));
    const command = step.kind === 'exec' ? [`  command:   ${commandLine(step.command, step.args)}`] : [];
    this.report(step, logPath, headline, command);
    return { exitCode: SIGNAL_EXIT[signal] };
  }
}
