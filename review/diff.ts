/** What changed between two synths (the base branch's and this tree's): resources, outputs, backend, providers. */
import { AttributeChange, diffAttributes, showValue } from '../lib/flatten';
import { SynthesizedStack } from '../policies/rules';
import { Block, Section } from './document';
import { foldHosts } from './fold';

export interface StackDiff {
  readonly stack: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly {
    readonly address: string;
    readonly changes: readonly AttributeChange[];
  }[];
}

type Json = Record<string, unknown>;

/** Every element of a stack by address: `google_compute_instance.fleet_docker-host-001`, `output.hosts`, … */
export function elements(stack: SynthesizedStack): Map<string, unknown> {
  const json = stack.json as Json;
  const out = new Map<string, unknown>();
  const add = (prefix: string, group: unknown) => {
    for (const [name, value] of Object.entries((group as Json | undefined) ?? {})) {
      if (!name.startsWith('//')) out.set(prefix === '' ? name : `${prefix}.${name}`, value);
    }
  };
  for (const [type, byName] of Object.entries((json.resource as Json | undefined) ?? {}))
    add(type, byName);
  for (const [type, byName] of Object.entries((json.data as Json | undefined) ?? {}))
    add(`data.${type}`, byName);
  add('output', json.output);
  add('provider', json.provider);
  add('terraform.backend', (json.terraform as Json | undefined)?.backend);
  return out;
}

function diffStack(name: string, base?: SynthesizedStack, current?: SynthesizedStack): StackDiff {
  const a = base === undefined ? new Map<string, unknown>() : elements(base);
  const b = current === undefined ? new Map<string, unknown>() : elements(current);
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
  const changed = [...b.keys()]
    .filter((k) => a.has(k))
    .sort()
    .map((address) => ({ address, changes: diffAttributes(a.get(address), b.get(address)) }))
    .filter((c) => c.changes.length > 0);
  const status =
    base === undefined
      ? 'added'
      : current === undefined
        ? 'removed'
        : added.length + removed.length + changed.length > 0
          ? 'changed'
          : 'unchanged';
  return { stack: name, status, added, removed, changed };
}

/** One entry per stack in either synth, in the current synth's order, then stacks only the base has. */
export function diffSynths(
  base: readonly SynthesizedStack[],
  current: readonly SynthesizedStack[],
): StackDiff[] {
  const names = [...new Set([...current.map((s) => s.name), ...base.map((s) => s.name)])];
  return names.map((n) =>
    diffStack(
      n,
      base.find((s) => s.name === n),
      current.find((s) => s.name === n),
    ),
  );
}

function side(change: AttributeChange, key: 'before' | 'after'): string {
  return key in change ? showValue(change[key], 70) : '(none)';
}

/** `path: a → b`; for two lists, what left and what joined (long lists differ at the end as often as not). */
function changeLine(x: AttributeChange): string {
  if (Array.isArray(x.before) && Array.isArray(x.after)) {
    const was = x.before.map((v) => JSON.stringify(v));
    const now = x.after.map((v) => JSON.stringify(v));
    const parts = [
      ...was.filter((v) => !now.includes(v)).map((v) => `-${showValue(v, 70)}`),
      ...now.filter((v) => !was.includes(v)).map((v) => `+${showValue(v, 70)}`),
    ];
    return `${x.path}: ${parts.length > 0 ? parts.join(' ') : 'reordered'}`;
  }
  return `${x.path}: ${side(x, 'before')} → ${side(x, 'after')}`;
}

/** A stack's diff; the same addition, removal or change on several hosts is one entry naming them (fold.ts). */
function stackLines(d: StackDiff): string[] {
  if (d.status === 'unchanged') return [`@@ ${d.stack}: no changes @@`];
  const entries = [
    ...d.added.map((a) => [`+ ${a}`]),
    ...d.removed.map((a) => [`- ${a}`]),
    ...d.changed.map((c) => [`~ ${c.address}`, ...c.changes.map((x) => `    ${changeLine(x)}`)]),
  ];
  return [
    `@@ ${d.stack}: ${d.status === 'changed' ? 'changed' : `stack ${d.status}`} @@`,
    ...foldHosts(entries).flat(),
  ];
}

export function diffSection(
  against: string,
  result: readonly StackDiff[] | { readonly error: string },
): Section {
  const title = 'Changes against the base';
  if ('error' in result) return { title, summary: `not compared: ${result.error}`, blocks: [] };
  const total = (k: 'added' | 'removed' | 'changed') => result.reduce((n, d) => n + d[k].length, 0);
  const changed = result.some((d) => d.status !== 'unchanged');
  const lines = result.flatMap(stackLines);
  const blocks: Block[] = [
    { kind: 'raw', text: lines.join('\n'), markdown: `\`\`\`diff\n${lines.join('\n')}\n\`\`\`` },
  ];
  return {
    title,
    summary: changed
      ? `against ${against}: ${total('added')} added, ${total('removed')} removed, ${total('changed')} changed`
      : `no changes against ${against}`,
    open: changed,
    blocks,
  };
}
