/**
 * The review as sections of tables and lines, rendered for a terminal or as a PR comment (Markdown); table rows that
 * differ only by the host are folded into one (fold.ts). Pure.
 */
import { alignColumns } from '../lib/text-table';
import { foldHosts } from './fold';

export type Block =
  | {
      readonly kind: 'table';
      readonly head: readonly string[];
      readonly rows: readonly (readonly string[])[];
    }
  | { readonly kind: 'lines'; readonly lines: readonly string[] }
  /** Already rendered both ways (the plan summary). */
  | { readonly kind: 'raw'; readonly text: string; readonly markdown: string };

export interface Section {
  readonly title: string;
  /** One line, shown next to the title (in Markdown, on the collapsed section). */
  readonly summary: string;
  readonly blocks: readonly Block[];
  /** Markdown: shown expanded. */
  readonly open?: boolean;
  /** Markdown too long for a PR comment: cut to its summary before the sections without it (fit.ts). */
  readonly cutFirst?: boolean;
}

export interface Review {
  readonly title: string;
  readonly sections: readonly Section[];
}

function textTable(head: readonly string[], cells: readonly (readonly string[])[]): string[] {
  return alignColumns([head, ...cells.map((r) => r.map((c) => c.replace(/\n/g, '; ')))], {
    rule: true,
  });
}

function textBlock(block: Block): string[] {
  if (block.kind === 'table') return textTable(block.head, foldHosts(block.rows));
  if (block.kind === 'lines') return [...block.lines];
  return block.text.replace(/\n$/, '').split('\n');
}

export function renderText(review: Review): string {
  const out = [review.title, ''];
  for (const s of review.sections) {
    out.push(`== ${s.title}: ${s.summary}`, '');
    for (const block of s.blocks)
      out.push(...textBlock(block).map((l) => (l === '' ? '' : `  ${l}`)), '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** A table cell: pipes escaped, one line. */
export function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

function markdownBlock(block: Block): string {
  if (block.kind === 'table') {
    const row = (cells: readonly string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
    return [
      row(block.head),
      row(block.head.map(() => '---')),
      ...foldHosts(block.rows).map(row),
    ].join('\n');
  }
  if (block.kind === 'lines')
    return block.lines
      .map((l) => (l.startsWith('- ') || l.startsWith('#') ? l : `${l}  `))
      .join('\n');
  return block.markdown.replace(/\n+$/, '');
}

/** One section as a collapsible block, with the blank line that follows it. */
export function markdownSection(s: Section): string {
  const out = [
    `<details${s.open ? ' open' : ''}><summary><b>${s.title}</b>: ${s.summary}</summary>`,
    '',
  ];
  for (const block of s.blocks) out.push(markdownBlock(block), '');
  out.push('</details>', '');
  return `${out.join('\n')}\n`;
}

/** The review's Markdown from its title, what comes before the sections, and the sections as rendered. */
export function joinMarkdown(
  title: string,
  before: readonly string[],
  sections: readonly string[],
): string {
  const text = [`## ${title}\n\n`, ...before.map((b) => `${b}\n\n`), ...sections].join('');
  return `${text.replace(/\n+$/, '')}\n`;
}

export function renderMarkdown(review: Review): string {
  return joinMarkdown(review.title, [], review.sections.map(markdownSection));
}
