/** The review's command line: `npm run review -- [env…] [--markdown] [--base <ref> | --against <folder>] [--plan …]`. */
import { parseArgs } from 'node:util';
import { unknownMessage } from '../lib/cli/suggest';

export const REVIEW_INVOCATION = 'npm run review --';
/** Where the whole Markdown review goes when it is cut to fit a PR comment (relative to the repository). */
export const DEFAULT_FULL_FILE = 'review-full.md';

export const REVIEW_OPTIONS = {
  markdown: { type: 'boolean' },
  full: { type: 'string' },
  base: { type: 'string' },
  against: { type: 'string' },
  plan: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export class ReviewUsageError extends Error {
  override name = 'ReviewUsageError';
}

export interface PlanArg {
  /** Undefined: the one environment reviewed. */
  readonly stack?: string;
  readonly file: string;
}

export interface ReviewArgs {
  /** Empty: every environment. */
  readonly environments: readonly string[];
  readonly markdown: boolean;
  /** Where the whole Markdown review goes when it is cut to fit a PR comment. */
  readonly full: string;
  readonly base?: string;
  readonly against?: string;
  readonly plans: readonly PlanArg[];
  readonly help: boolean;
}

export const REVIEW_HELP = `Writes what an ops reviewer needs, without Google credentials: policy results, the exposure table, the
resources per stack, what changed against the base branch, and plan summaries given.

usage: ${REVIEW_INVOCATION} [env…] [options]          (no env: every environment)

options:
  --markdown              Markdown for a PR comment (collapsible sections) instead of terminal text; over
                          60,000 characters, sections are cut to their summary and the whole review is
                          written to the --full file
  --full <file>           where the whole Markdown review goes when it is cut (default review-full.md)
  --base <ref>            compare with the synth of this git ref, made in a temporary git worktree
                          (default: origin/$GITHUB_BASE_REF in a pull request build, else main)
  --against <folder>      compare with a synth output folder (<folder>/stacks/<stack>/cdk.tf.json) instead
  --plan [<stack>=]<file> the summary of a saved plan: \`terraform show -json <planfile>\` output (repeatable;
                          without <stack>=, the one environment given)
  -h, --help              this help

Exit codes: 0 written (policy failures are shown, and synth refuses them), 2 bad usage, config, base or plan,
128 + n stopped by signal n while the base was synthesized.
`;

function longNames(): string[] {
  return Object.keys(REVIEW_OPTIONS).map((k) => `--${k}`);
}

export function parseReviewArgs(argv: readonly string[]): ReviewArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: REVIEW_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const option = /'(-[^' ]+)/.exec((error as Error).message)?.[1];
    if (
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' &&
      option !== undefined
    ) {
      throw new ReviewUsageError(unknownMessage('option', option, longNames()));
    }
    throw new ReviewUsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.full !== undefined && values.markdown !== true) {
    throw new ReviewUsageError(
      '--full <file> goes with --markdown: it receives the whole review when it is cut',
    );
  }
  if (values.base !== undefined && values.against !== undefined) {
    throw new ReviewUsageError(
      '--base and --against exclude each other: compare with a git ref or a folder',
    );
  }
  const plans = (values.plan ?? []).map((p): PlanArg => {
    const eq = p.indexOf('=');
    return eq > 0 ? { stack: p.slice(0, eq), file: p.slice(eq + 1) } : { file: p };
  });
  if (plans.some((p) => p.stack === undefined) && positionals.length !== 1) {
    throw new ReviewUsageError(
      '--plan <file> without <stack>= needs exactly one environment: --plan stage=<file>',
    );
  }
  return {
    environments: positionals,
    markdown: values.markdown === true,
    full: values.full ?? DEFAULT_FULL_FILE,
    base: values.base,
    against: values.against,
    plans,
    help: values.help === true,
  };
}

export function reviewOptionNames(): { long: string[]; valued: string[] } {
  const valued = Object.entries(REVIEW_OPTIONS)
    .filter(([, o]) => o.type === 'string')
    .map(([k]) => `--${k}`);
  return { long: longNames(), valued };
}
