/**
 * Terraform JSON as flat attribute paths (`boot_disk[0].initialize_params[0].size`), for attribute-by-attribute
 * comparisons: the review's synth diff and the plan summary's "what changes" both read it.
 */

/** One attribute path and its value; a list of plain values (tags, source ranges) is one value. */
export type FlatAttributes = ReadonlyMap<string, unknown>;

export interface AttributeChange {
  readonly path: string;
  /** Absent when the attribute is new. */
  readonly before?: unknown;
  /** Absent when the attribute is gone. */
  readonly after?: unknown;
}

function isPlainList(value: unknown[]): boolean {
  return value.every((v) => v === null || typeof v !== 'object');
}

function join(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Flattens objects and lists of objects; keys starting with "//" (cdktf's metadata) are left out. */
export function flatten(
  value: unknown,
  prefix = '',
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  if (Array.isArray(value) && !isPlainList(value)) {
    value.forEach((v, i) => flatten(v, join(prefix, i), out));
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([k]) => !k.startsWith('//'),
    );
    if (entries.length === 0 && prefix !== '') out.set(prefix, {});
    for (const [k, v] of entries) flatten(v, join(prefix, k), out);
  } else if (prefix !== '') {
    out.set(prefix, value);
  }
  return out;
}

/** The paths whose values differ, in path order. */
export function diffAttributes(before: unknown, after: unknown): AttributeChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: AttributeChange[] = [];
  for (const path of paths) {
    const was = a.get(path);
    const now = b.get(path);
    if (JSON.stringify(was) === JSON.stringify(now) && a.has(path) === b.has(path)) continue;
    changes.push({
      path,
      ...(a.has(path) ? { before: was } : {}),
      ...(b.has(path) ? { after: now } : {}),
    });
  }
  return changes;
}

/** A Terraform path step list (`["boot_disk", 0, "initialize_params", 0, "image"]`) as one string. */
export function pathString(steps: readonly unknown[]): string {
  return steps.reduce<string>(
    (acc, step) => join(acc, typeof step === 'number' ? step : String(step)),
    '',
  );
}

/** A value for one line of text: JSON, cut to `max` characters. */
export function showValue(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
