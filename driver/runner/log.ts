/** The tail of a tool's output that a failure report shows. */
import { stripVTControlCharacters } from 'node:util';
import { boundTail } from '../../lib/bounded-tail';

/** Progress noise that says nothing about a failure: spinner frames, cdktf's stack counters. */
const NOISE = [
  /^[\u2800-\u28ff]\s/,
  /^\d+ Stacks? deploying\s+\d+ Stacks? done\s+\d+ Stacks? waiting$/,
];

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
