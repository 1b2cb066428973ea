/** What the runner shows while a step runs. */
import { stripVTControlCharacters } from 'node:util';
import type { Style } from '../format';
import type { Plan } from '../plan/steps';

/** Where the driver prints: a stream-like sink that knows whether it is a terminal. */
export interface Terminal {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * On a terminal: one line that shows the elapsed time and the step's latest output, rewritten in place.
 * Otherwise: a plain start line (the result line follows when the step ends). --verbose streams all output.
 */
export function startProgress(out: Terminal, style: Style, label: string, verbose: boolean) {
  const started = Date.now();
  if (verbose || !out.isTTY) {
    out.write(`${label} …\n`);
    return {
      onOutput: verbose
        ? (text: string) => out.write(text.replace(/^(?=.)/gm, '    '))
        : () => undefined,
      stop: () => undefined,
    };
  }
  let latest = '';
  const render = () => {
    const elapsed = `${Math.floor((Date.now() - started) / 1000)}s`;
    const width = Math.max(20, (out.columns ?? 80) - 1);
    const head = `${label} … ${elapsed}`;
    const room = width - head.length - 2;
    const detail = room > 10 && latest !== '' ? `  ${latest.slice(0, room)}` : '';
    out.write(`\r\x1b[2K${head}${style.dim(detail)}`);
  };
  render();
  const timer = setInterval(render, 1000).unref();
  return {
    onOutput(text: string) {
      const line = stripVTControlCharacters(text)
        .trim()
        .split(/\r?\n/)
        .pop()!
        .replace(/\s+/g, ' ')
        .trim();
      if (line !== '') latest = line;
    },
    stop() {
      clearInterval(timer);
      out.write('\r\x1b[2K');
    },
  };
}

/** Skipped steps, consecutive ones with the same reason on one line. */
export function skippedLines(plan: Plan, style: Style): string {
  const skipped: { names: string[]; reason: string }[] = [];
  for (const step of plan.steps) {
    if (step.skip === undefined) continue;
    const last = skipped[skipped.length - 1];
    if (last?.reason === step.skip) last.names.push(step.name);
    else skipped.push({ names: [step.name], reason: step.skip });
  }
  return skipped
    .map(({ names, reason }) => `${style.dim(`      skip ${names.join(', ')}: ${reason}`)}\n`)
    .join('');
}
