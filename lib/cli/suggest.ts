/** "Did you mean …?" for unknown commands and options: the closest valid one by edit distance. */

/**
 * Edit distance with transpositions (optimal string alignment): insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1, so `stgae` is one edit from `stage` and `form` one from `from`.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        current[j] = Math.min(current[j], before[j - 2] + 1);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate closest to `input`, if it is close enough to be a typo: at most a third of its length away
 * (at least 1 edit allowed), or one that `input` is a prefix of. Ties go to the earlier candidate.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const bare = (s: string) => s.replace(/^-+/, '');
  const limit = Math.max(1, Math.floor(bare(input).length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(bare(input).toLowerCase(), bare(candidate).toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best !== undefined && best.distance <= limit) return best.candidate;
  const prefixed = candidates.filter(
    (c) => bare(input).length >= 2 && bare(c).startsWith(bare(input)),
  );
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/**
 * `unknown option "--dryrun" (did you mean --dry-run?); options are: …`. `aliases` maps words other tools use to the
 * candidate that does the same here (`deploy` → `up`).
 */
export function unknownMessage(
  kind: string,
  input: string,
  candidates: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string {
  const guess = Object.hasOwn(aliases, input.toLowerCase())
    ? aliases[input.toLowerCase()]
    : closest(input, candidates);
  return `unknown ${kind} "${input}"${guess === undefined ? '' : ` (did you mean ${guess}?)`}; ${kind}s are: ${candidates.join(', ')}`;
}
