/**
 * The Markdown review cut to fit a PR comment: GitHub refuses a comment body over 65,536 characters. Past the
 * budget, sections are cut to their summary line until it fits (the resources first, the largest first), with a note
 * at the top naming the file that holds the whole review (main.ts writes it). Pure.
 */
import { joinMarkdown, markdownSection, Review, Section } from './document';

/** GitHub's limit on a comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What the review stays within: the limit, less room for what a workflow may add around it. */
export const COMMENT_BUDGET = 60_000;

export interface FittedMarkdown {
  readonly text: string;
  /** How many sections were cut short (0: the whole review). */
  readonly cut: number;
  /** The whole review, when it was cut. */
  readonly whole: string;
}

function stub(section: Section, length: number, fullFile: string): string {
  const line = `Cut to fit a PR comment (${length} characters): the whole section is in \`${fullFile}\`.`;
  return markdownSection({ ...section, open: false, blocks: [{ kind: 'lines', lines: [line] }] });
}

function note(whole: number, cut: number, total: number, fullFile: string): string {
  return (
    `> :scissors: This review is ${whole} characters; a PR comment takes at most ${GITHUB_COMMENT_LIMIT}, and the ` +
    `review keeps within ${COMMENT_BUDGET}: ${cut} of its ${total} sections ${cut === 1 ? 'is' : 'are'} cut to ` +
    `the summary below. The whole review is in \`${fullFile}\`.`
  );
}

/**
 * The review's Markdown within `budget` characters: sections are cut to their summary, those marked cutFirst (the
 * resources) before the others, the largest first (the fewest sections cut); the rest stay whole, in their order.
 */
export function fitMarkdown(
  review: Review,
  fullFile: string,
  budget = COMMENT_BUDGET,
): FittedMarkdown {
  const full = review.sections.map(markdownSection);
  const whole = joinMarkdown(review.title, [], full);
  if (whole.length <= budget) return { text: whole, cut: 0, whole };
  const stubs = review.sections.map((s, i) => stub(s, full[i].length, fullFile));
  const kept = [...full];
  // Sized with the longest note (every section cut): the note only gets shorter.
  const size = () =>
    joinMarkdown(review.title, [note(whole.length, full.length, full.length, fullFile)], kept)
      .length;
  const rank = (i: number) => (review.sections[i].cutFirst === true ? 0 : 1);
  const order = full
    .map((_, i) => i)
    .sort((a, b) => rank(a) - rank(b) || full[b].length - full[a].length);
  for (const i of order) {
    if (size() <= budget) break;
    if (stubs[i].length < full[i].length) kept[i] = stubs[i];
  }
  const cut = kept.filter((text, i) => text !== full[i]).length;
  return {
    text: joinMarkdown(review.title, [note(whole.length, cut, full.length, fullFile)], kept),
    cut,
    whole,
  };
}
