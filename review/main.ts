/** `npm run review`, wired: everything from outside (argv, environment, streams, config, git) comes in as deps. */
import { describeFsError, readRegularFile } from '../lib/fs-errors';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, ProjectConfig, ProjectSpec, resolveProject } from '../config';
import { PROJECT } from '../config/environments';
import { EXIT_OK, EXIT_USAGE } from '../lib/exit-codes';
import { SIGNAL_EXIT } from '../lib/signals';
import { swallowedMessage, takenByNpm } from '../lib/cli/npm-swallowed';
import { unknownMessage } from '../lib/cli/suggest';
import { BACKEND_STACK, REGISTRY_STACK } from '../lib/constants';
import { PlanFormatError, StackPlanSummary, summarizePlan } from './plan/summary';
import { SynthesizedStack } from '../policies/rules';
import { configSuppressions } from '../stacks/app';
import {
  PlanArg,
  parseReviewArgs,
  REVIEW_HELP,
  REVIEW_INVOCATION,
  ReviewArgs,
  reviewOptionNames,
  ReviewUsageError,
} from './args';
import { BaseError, BaseInterrupted, readSynthFolder, refExists, synthesizeRef } from './base';
import { Review, renderText } from './document';
import { COMMENT_BUDGET, fitMarkdown, GITHUB_COMMENT_LIMIT } from './fit';
import { buildReview, ReviewInput } from './review';
import { synthesizeStacks } from './synth';

export interface ReviewDeps {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** The environments; config/environments.ts by default. */
  readonly spec?: ProjectSpec;
  readonly home?: string;
  /** Synthesizes a git ref (default: in a temporary git worktree, stopped and removed on a signal). */
  readonly synthesizeRef?: (ref: string) => SynthesizedStack[] | Promise<SynthesizedStack[]>;
}

function readPlans(plans: readonly PlanArg[], args: ReviewArgs, root: string): StackPlanSummary[] {
  return plans.map((p) => {
    const stack = p.stack ?? args.environments[0];
    let json: unknown;
    try {
      json = JSON.parse(readRegularFile(resolve(root, p.file)));
    } catch (error) {
      throw new ReviewUsageError(`--plan ${p.file}: ${(error as Error).message.split('\n')[0]}`);
    }
    return summarizePlan(stack, json);
  });
}

async function baseOf(args: ReviewArgs, deps: ReviewDeps): Promise<ReviewInput['base']> {
  if (args.against !== undefined)
    return { label: args.against, stacks: readSynthFolder(resolve(deps.root, args.against)) };
  const synth = deps.synthesizeRef ?? ((ref: string) => synthesizeRef(deps.root, ref, deps.env));
  if (args.base !== undefined) return { label: args.base, stacks: await synth(args.base) };
  const ref = deps.env.GITHUB_BASE_REF ? `origin/${deps.env.GITHUB_BASE_REF}` : 'main';
  if (deps.synthesizeRef === undefined && !refExists(deps.root, ref)) {
    return { error: `no base: ${ref} is not here (give --base <ref> or --against <folder>)` };
  }
  try {
    return { label: ref, stacks: await synth(ref) };
  } catch (error) {
    if (error instanceof BaseError) return { error: error.message };
    throw error;
  }
}

function resolveConfig(deps: ReviewDeps, warnings: string[]): ProjectConfig {
  const warn = (message: string) => warnings.push(message);
  return resolveProject(deps.spec ?? PROJECT, { home: deps.home, warn, root: deps.root });
}

function checkEnvironments(args: ReviewArgs, config: ProjectConfig): string[] {
  const known = config.environments.map((e) => e.name);
  for (const name of args.environments) {
    if (!known.includes(name))
      throw new ReviewUsageError(unknownMessage('environment', name, known));
  }
  for (const p of args.plans) {
    const stacks = [BACKEND_STACK, REGISTRY_STACK, ...known];
    if (p.stack !== undefined && !stacks.includes(p.stack)) {
      throw new ReviewUsageError(
        `--plan ${p.stack}=…: ${unknownMessage('stack', p.stack, stacks)}`,
      );
    }
  }
  return args.environments.length === 0 ? known : [...args.environments];
}

/** The whole review into `file`, complete or not at all; a file that cannot be written is one line. */
function writeWhole(file: string, text: string): void {
  try {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    rmSync(`${file}.tmp`, { force: true, recursive: false });
    const why = describeFsError(error) ?? (error as Error).message.split('\n')[0];
    throw new ReviewUsageError(
      `--full ${file}: cannot hold the whole review (it was cut to fit a PR comment): ${why}`,
    );
  }
}

/** The Markdown review within a PR comment's size; when cut, the whole of it is written to the --full file. */
function fittedMarkdown(review: Review, args: ReviewArgs, deps: ReviewDeps): string {
  const fitted = fitMarkdown(review, args.full);
  if (fitted.cut > 0) {
    writeWhole(resolve(deps.root, args.full), fitted.whole);
    deps.stderr.write(
      `note: the review is ${fitted.whole.length} characters, more than the ${COMMENT_BUDGET} it keeps within for a ` +
        `PR comment (GitHub takes ${GITHUB_COMMENT_LIMIT}): ${fitted.cut} of its sections cut to their summary; ` +
        `the whole review is in ${args.full}\n`,
    );
  }
  return fitted.text;
}

/** Writes the review; returns the exit code (128 + n when a signal stopped the base's synth). */
export async function reviewMain(argv: readonly string[], deps: ReviewDeps): Promise<number> {
  const swallowed = takenByNpm(deps.env, argv, reviewOptionNames());
  if (swallowed !== undefined) {
    deps.stderr.write(`${swallowedMessage(swallowed)}\n`);
    return EXIT_USAGE;
  }
  const warnings: string[] = [];
  try {
    const args = parseReviewArgs(argv);
    if (args.help) {
      deps.stdout.write(REVIEW_HELP);
      return EXIT_OK;
    }
    const config = resolveConfig(deps, warnings);
    const environments = checkEnvironments(args, config);
    const plans = readPlans(args.plans, args, deps.root);
    const stacks = synthesizeStacks(config);
    const base = await baseOf(args, deps);
    const review = buildReview({
      environments,
      stacks,
      suppressions: configSuppressions(config),
      base,
      plans,
    });
    deps.stdout.write(args.markdown ? fittedMarkdown(review, args, deps) : renderText(review));
    for (const w of warnings) deps.stderr.write(`note: ${w}\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof BaseInterrupted) {
      deps.stderr.write(`review: ${error.message}\n`);
      return SIGNAL_EXIT[error.signal];
    }
    if (error instanceof ConfigError) {
      deps.stderr.write(`${error.message}\n`);
    } else if (
      error instanceof ReviewUsageError ||
      error instanceof BaseError ||
      error instanceof PlanFormatError
    ) {
      deps.stderr.write(`error: ${error.message}\nsee: ${REVIEW_INVOCATION} --help\n`);
    } else {
      throw error;
    }
    return EXIT_USAGE;
  }
}
