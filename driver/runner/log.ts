/** The tail of a tool's output that a failure report shows. */
import { stripVTControlCharacters } from 'node:util';
import { boundTail } from '../../lib/bounded-tail';

/** A spinner frame: a braille dot pattern, then what it spins for. */
const SPINNER = /^[\u2800-\u28ff]\s/;

/** Progress noise that says nothing about a failure: spinner frames, cdktf's stack counters. */
const NOISE = [SPINNER, /^\d+ Stacks? deploying\s+\d+ Stacks? done\s+\d+ Stacks? waiting$/];

/**
 * The last `count` meaningful lines of a tool's output: escape sequences stripped (cdktf repaints its screen),
 * progress noise and consecutive repeats dropped, common indentation removed.
 */
export function cleanTail(text: string, count: number): string[] {
  const lines: string[] = [];
  for (const raw of stripVTControlCharacters(text).split(/\r?\n|\r/)) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === '' || NOISE.some((re) => re.test(trimmed)) || lines[lines.length - 1] === line)
      continue;
    lines.push(line);
  }
  const tail = lines.slice(-count);
  const indent = Math.min(...tail.map((l) => /^\s*/.exec(l)![0].length));
  return boundTail(tail.map((l) => l.slice(indent)));
}

/**
 * A tool's output as a log file keeps it: escape sequences stripped, a line redrawn with carriage returns kept as
 * it was last drawn, spinner frames dropped (cdktf and Packer animate their progress on a terminal).
 */
export function logText(text: string): string {
  const plain = stripVTControlCharacters(text);
  const lines = plain.split('\n').map(
    (line) =>
      line
        .split('\r')
        .filter((part) => part !== '')
        .pop() ?? '',
  );
  return lines.filter((line) => !SPINNER.test(line.trim())).join('\n');
}
