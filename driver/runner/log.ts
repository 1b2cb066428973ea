/** A step's log file and the bounded tail of its output that a failure report shows. */
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { boundTail } from '../../lib/bounded-tail';
import { addedEnv, commandLine } from '../format';
import type { Plan, PlannedStep, StepName } from '../plan/steps';

const TAIL_BYTES = 64 * 1024;

/** Progress noise that says nothing about a failure: spinner frames, cdktf's stack counters. */
const NOISE = [/^[\u2800-\u28ff]\s/, /^\d+ Stacks? deploying\s+\d+ Stacks? done\s+\d+ Stacks? waiting$/];

/**
 * The last `count` meaningful lines of a tool's output: escape sequences stripped (cdktf repaints its screen),
 * progress noise and consecutive repeats dropped, common indentation removed.
 */
export function cleanTail(text: string, count: number): string[] {
  const lines: string[] = [];
  for (const raw of stripVTControlCharacters(text).split(/\r?\n|\r/)) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === '' || NOISE.some((re) => re.test(trimmed)) || lines[lines.length - 1] === line) continue;
    lines.push(line);
  }
  const tail = lines.slice(-count);
  const indent = Math.min(...tail.map((l) => /^\s*/.exec(l)![0].length));
  return boundTail(tail.map((l) => l.slice(indent)));
}

/** Keeps the end of a stream of text, bounded. */
export class Tail {
  private text = '';
  add(chunk: string): void {
    this.text += chunk;
    if (this.text.length > TAIL_BYTES * 2) this.text = this.text.slice(-TAIL_BYTES);
  }
  lines(count: number): string[] {
    return cleanTail(this.text, count);
  }
  all(): string {
    return stripVTControlCharacters(this.text);
  }
}

/** `<runDir>/logs/NN-<step>.log`, numbered by the step's place in the whole plan (stable across resumes). */
export function logFileFor(plan: Plan, step: StepName): string {
  const index = plan.steps.findIndex((s) => s.name === step);
  return join(plan.runDir, 'logs', `${String(index + 1).padStart(2, '0')}-${step}.log`);
}

/** The first lines of a step's log: when, what, where, with which added environment. */
export function logHeader(step: PlannedStep): string {
  if (step.kind === 'task') return `# ${new Date().toISOString()} step ${step.name} (in-process: ${step.task.type})\n`;
  return (
    `# ${new Date().toISOString()} step ${step.name}\n# $ ${commandLine(step.command, step.args)}\n` +
    `# cwd: ${step.cwd}\n# env: ${addedEnv(step.env)}\n`
  );
}
