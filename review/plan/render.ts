/** A plan summary as terminal text or as Markdown (a PR comment). Pure. */
import { showValue } from '../../lib/flatten';
import { AttributeChange } from '../../lib/flatten';
import type { ChangeAction } from './change-action';
import { hasChanges, ResourceChangeLine, StackPlanSummary } from './summary';

/** Terraform's own symbols. */
const SYMBOLS: Readonly<Record<ChangeAction, string>> = {
  create: '+',
  update: '~',
  replace: '-/+',
  destroy: '-',
  read: '<=',
  forget: '.',
  move: '→',
};

/** At most this many attribute lines per resource; the rest is counted. */
export const MAX_ATTRIBUTE_LINES = 8;

export interface RenderStyle {
  /** Emphasis for what destroys or replaces (e.g. red on a terminal). */
  readonly alarm?: (text: string) => string;
}

export function countsLine(s: StackPlanSummary): string {
  if (!hasChanges(s))
    return `${s.stack}: no changes (${s.unchanged} ${s.unchanged === 1 ? 'resource' : 'resources'} up to date)`;
  const c = s.counts;
  return `${s.stack}: ${c.add} to add, ${c.change} to change, ${c.replace} to replace, ${c.destroy} to destroy`;
}

function symbol(c: ResourceChangeLine): string {
  return c.action === 'replace' && c.createBeforeDestroy ? '+/-' : SYMBOLS[c.action];
}

function actionText(c: ResourceChangeLine): string {
  switch (c.action) {
    case 'replace':
      return `REPLACE${c.createBeforeDestroy ? ' (create before destroy)' : ''}${c.why ? `: ${c.why}` : ''}`;
    case 'destroy':
      return `DESTROY${c.why ? `: ${c.why}` : ''}`;
    case 'update':
      return 'update in place';
    case 'move':
      return `moved from ${c.previousAddress}`;
    case 'read':
      return `read${c.why ? `: ${c.why}` : ''}`;
    default:
      return c.action;
  }
}

function attributeLine(a: AttributeChange): string {
  const side = (v: unknown, present: boolean) => (present ? showValue(v, 60) : '(none)');
  return `${a.path}: ${side(a.before, 'before' in a)} → ${side(a.after, 'after' in a)}`;
}

function attributeLines(c: ResourceChangeLine): string[] {
  const lines = c.attributes.slice(0, MAX_ATTRIBUTE_LINES).map(attributeLine);
  const more = c.attributes.length - MAX_ATTRIBUTE_LINES;
  return more > 0 ? [...lines, `… and ${more} more`] : lines;
}

/** The summary of one stack for a terminal. */
export function renderPlanText(s: StackPlanSummary, style: RenderStyle = {}): string {
  const alarm = style.alarm ?? ((t: string) => t);
  const lines = [countsLine(s)];
  const width = Math.max(0, ...s.changes.map((c) => c.address.length));
  for (const c of s.changes) {
    const loud = c.action === 'replace' || c.action === 'destroy';
    const text = `${symbol(c).padEnd(3)} ${c.address.padEnd(width)}  ${actionText(c)}`;
    lines.push(`  ${loud ? alarm(text) : text}`);
    lines.push(...attributeLines(c).map((l) => `        ${l}`));
    if (c.loss !== undefined) lines.push(`        ${alarm(`! ${c.loss}`)}`);
  }
  if (s.exposure.length > 0) lines.push('  exposure:', ...s.exposure.map((e) => `    ! ${e}`));
  if (s.drifted > 0)
    lines.push(`  note: ${s.drifted} resource(s) changed outside Terraform since the last apply`);
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** The summary of one stack as Markdown: a heading, a table of changes, what goes away, exposure. */
export function renderPlanMarkdown(s: StackPlanSummary): string {
  const out = [`#### Plan: ${countsLine(s)}`, ''];
  if (s.changes.length > 0) {
    out.push('| | resource | action | what changes |', '| --- | --- | --- | --- |');
    for (const c of s.changes) {
      const loud = c.action === 'replace' || c.action === 'destroy';
      const action = loud ? `**${actionText(c)}**` : actionText(c);
      const attrs = attributeLines(c).map(code).join('<br>');
      out.push(`| ${code(symbol(c))} | ${code(c.address)} | ${cell(action)} | ${cell(attrs)} |`);
    }
    out.push('');
  }
  const losses = s.changes.filter((c) => c.loss !== undefined);
  if (losses.length > 0)
    out.push('**Goes away:**', '', ...losses.map((c) => `- :warning: ${c.loss}`), '');
  if (s.exposure.length > 0)
    out.push('**Exposure changes:**', '', ...s.exposure.map((e) => `- ${e}`), '');
  if (s.drifted > 0)
    out.push(`_${s.drifted} resource(s) changed outside Terraform since the last apply._`, '');
  return `${out.join('\n')}\n`;
}
