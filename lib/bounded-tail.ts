/**
 * A failing step's output tail, bounded in bytes as well as lines: one 5 MB line of minified JSON must not flood
 * the terminal (the whole output is in the step's log file).
 */

/** At most this many bytes per line shown; the rest is replaced by a note of how much was cut. */
export const MAX_TAIL_LINE_BYTES = 400;
/** At most this many bytes for the whole tail; the oldest lines go first. */
export const MAX_TAIL_BYTES = 4096;

function cutLine(line: string): string {
  const bytes = Buffer.byteLength(line);
  if (bytes <= MAX_TAIL_LINE_BYTES) return line;
  let kept = Buffer.from(line).subarray(0, MAX_TAIL_LINE_BYTES).toString('utf8');
  // A multi-byte character cut in half decodes as U+FFFD: drop it.
  if (kept.endsWith('\uFFFD')) kept = kept.slice(0, -1);
  return `${kept} … (${bytes - Buffer.byteLength(kept)} more bytes, see the log)`;
}

/** The last lines, each cut to MAX_TAIL_LINE_BYTES, as many as fit in MAX_TAIL_BYTES. */
export function boundTail(lines: readonly string[]): string[] {
  const out: string[] = [];
  let total = 0;
  for (const line of [...lines].reverse().map(cutLine)) {
    total += Buffer.byteLength(line) + 1;
    if (total > MAX_TAIL_BYTES) break;
    out.unshift(line);
  }
  return out;
}
