/** `npm run review`, wired: everything from outside (argv, environment, streams, config, git) comes in as deps. */
import { readRegularFile } from '../lib/fs-errors';
import { resolve } from 'node:path';
import { ConfigError, ProjectConfig, ProjectSpec, resolveProject } from '../config';
import { PROJECT } from '../config/environments';
import { EXIT_OK, EXIT_USAGE } from '../driver/exit-codes';
import { swallowedByNpm, swallowedMessage } from '../lib/cli/npm-swallowed';
import { unknownMessage } from '../lib/cli/suggest';
import { BACKEND_STACK, REGISTRY_STACK } from '../lib/constants';
import { PlanFormatError, StackPlanSummary, summarizePlan } from '../lib/plan/summary';
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
import { BaseError, readSynthFolder, refExists, synthesizeRef } from './base';
import { renderMarkdown, renderText } from './document';
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
  /** Synthesizes a git ref (default: in a temporary git worktree). */
  readonly synthesizeRef?: (ref: string) => SynthesizedStack[];
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

function baseOf(args: ReviewArgs, deps: ReviewDeps): ReviewInput['base'] {
  if (args.against !== undefined)
    return { label: args.against, stacks: readSynthFolder(resolve(deps.root, args.against)) };
  const synth = deps.synthesizeRef ?? ((ref: string) => synthesizeRef(deps.root, ref, deps.env));
  if (args.base !== undefined) return { label: args.base, stacks: synth(args.base) };
  const ref = deps.env.GITHUB_BASE_REF ? `origin/${deps.env.GITHUB_BASE_REF}` : 'main';
  if (deps.synthesizeRef === undefined && !refExists(deps.root, ref)) {
    return { error: `no base: ${ref} is not here (give --base <ref> or --against <folder>)` };
  }
  try {
    return { label: ref, stacks: synth(ref) };
  } catch (error) {
    if (error instanceof BaseError) return { error: error.message };
    throw error;
  }
}

function resolveConfig(deps: ReviewDeps, warnings: string[]): ProjectConfig {
  return resolveProject(deps.spec ?? PROJECT, { home: deps.home, warn: (message) => warnings.push(message) });
}

function checkEnvironments(args: ReviewArgs, config: ProjectConfig): string[] {
  const known = config.environments.map((e) => e.name);
  for (const name of args.environments) {
    if (!known.includes(name)) throw new ReviewUsageError(unknownMessage('environment', name, known));
  }
  for (const p of args.plans) {
    const stacks = [BACKEND_STACK, REGISTRY_STACK, ...known];
    if (p.stack !== undefined && !stacks.includes(p.stack)) {
      throw new ReviewUsageError(`--plan ${p.stack}=…: ${unknownMessage('stack', p.stack, stacks)}`);
    }
  }
  return args.environments.length === 0 ? known : [...args.environments];
}

/** Writes the review; returns the exit code. */
export function reviewMain(argv: readonly string[], deps: ReviewDeps): number {
  const swallowed = swallowedByNpm(deps.env, argv, reviewOptionNames());
  if (swallowed !== undefined) {
    deps.stderr.write(`${swallowedMessage(swallowed).join('\n')}\n`);
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
    const review = buildReview({
      environments,
      stacks: synthesizeStacks(config),
      suppressions: configSuppressions(config),
      base: baseOf(args, deps),
      plans,
    });
    deps.stdout.write(args.markdown ? renderMarkdown(review) : renderText(review));
    for (const w of warnings) deps.stderr.write(`note: ${w}\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ConfigError) {
      deps.stderr.write(`${error.message}\n`);
    } else if (error instanceof ReviewUsageError || error instanceof BaseError || error instanceof PlanFormatError) {
      deps.stderr.write(`error: ${error.message}\nsee: ${REVIEW_INVOCATION} --help\n`);
    } else {
      throw error;
    }
    return EXIT_USAGE;
  }
}
