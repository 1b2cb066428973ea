/**
 * Per-host repetition folded: rows (table rows, or a diff entry's lines) that differ only by the host's number are
 * shown once, the hosts as a brace range (`docker-host-{001..050}`) with their count, so a 50-host review reads
 * (and fits a PR comment) like a 2-host one. Rows naming no host, or two different hosts, stay as they are. Pure.
 */

/** A host's name, `docker-host-NNN` (config/resolve-host.ts hostName), with its number captured. */
const HOST = /docker-host-(\d{3})(?![A-Za-z0-9])/g;
const PLACEHOLDER = 'docker-host-\u0000';

/** The host number a row names, if it names exactly one (in any of its texts, any number of times). */
function hostNumber(texts: readonly string[]): string | undefined {
  const numbers = new Set(texts.flatMap((t) => [...t.matchAll(HOST)].map((m) => m[1])));
  return numbers.size === 1 ? [...numbers][0] : undefined;
}

/** `{001..003,007}` for 001, 002, 003 and 007; the number alone for one host. */
export function braceRange(numbers: readonly string[]): string {
  if (numbers.length === 1) return numbers[0];
  const sorted = [...numbers].sort();
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && Number(sorted[j + 1]) === Number(sorted[j]) + 1) j++;
    parts.push(j === i ? sorted[i] : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return `{${parts.join(',')}}`;
}

interface Group {
  readonly texts: readonly string[];
  readonly numbers: string[];
}

/** Rows whose texts are the same once the host's number is taken out become one, in first-seen order. */
export function foldHosts(rows: readonly (readonly string[])[]): string[][] {
  const groups = new Map<string, Group>();
  rows.forEach((texts, index) => {
    const number = hostNumber(texts);
    const key =
      number === undefined
        ? `\u0001${index}`
        : texts.map((t) => t.replace(HOST, PLACEHOLDER)).join('\u0002');
    const group = groups.get(key) ?? { texts, numbers: [] };
    if (number !== undefined) group.numbers.push(number);
    groups.set(key, group);
  });
  return [...groups.values()].map(({ texts, numbers }) => {
    if (numbers.length < 2) return [...texts];
    const named = texts.map((t) => t.replace(HOST, `docker-host-${braceRange(numbers)}`));
    return [`${named[0]} (${numbers.length} hosts)`, ...named.slice(1)];
  });
}
