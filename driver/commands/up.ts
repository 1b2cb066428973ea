/** `up <env>`: preflight → image → backend → registry → environment → inventory → hosts → check. */
import { ReleaseError, releaseTag } from '../../lib/release/image-ref';
import type { EnvContext } from '../context';
import { now, printError } from '../context';
import { EXIT_USAGE } from '../exit-codes';
import { gitState, operator as whoDeploys } from '../git';
import { buildUpPlan } from '../plan/build';
import { imageSourceHash } from '../plan/image-hash';
import { PlannedStep, UpStepName } from '../plan/steps';
import { DEFAULT_CHECK_TIMING, Operator, packerVars, ReleaseInput, runFiles } from '../plan/tools';
import { readState, updateState } from '../state';
import { chooseRunDir, dryRun, runLocked } from './run';
import { plannedStacks, reviewUp } from './up-review';

/** What a successful step leaves in the run state: the image build, the deploy's outputs file. */
function recordStep(ctx: EnvContext, step: PlannedStep, runDir: string, imageHash: string): void {
  const { env } = ctx;
  const at = now(ctx).toISOString();
  if (step.name === 'image') {
    const image = { hash: imageHash, projectId: env.projectId, imageFamily: env.imageFamily, builtAt: at, runDir };
    updateState(ctx.runBase, env.name, (s) => ({ ...s, image }));
  } else if (step.name === 'deploy') {
    updateState(ctx.runBase, env.name, (s) => ({ ...s, lastOutputs: { file: runFiles(runDir).outputs, at } }));
  }
}

/** Who deploys which commit, and (app.build) the image's tag; a one-line refusal (a dirty tree) as a string. */
function releaseInputs(ctx: EnvContext): { operator: Operator; release?: ReleaseInput } | string {
  const { deps, env, args } = ctx;
  const git = gitState(deps.root, deps.env);
  const operator = { who: whoDeploys(deps.root, deps.env), commit: git?.commit ?? '' };
  if (env.app.build === undefined) {
    const asked = args.only === 'build' || args.from === 'build';
    return asked
      ? `${env.name} has no build step: it deploys the prebuilt ${env.app.image} (no app.build)`
      : { operator };
  }
  if (git === undefined)
    return `${env.name} builds its app image (app.build), which needs a git checkout (its commit is the tag)`;
  try {
    return { operator, release: { commit: git.commit, tag: releaseTag(git, args.allowDirty), local: args.local } };
  } catch (err) {
    if (err instanceof ReleaseError) return err.message;
    throw err;
  }
}

export async function upCommand(ctx: EnvContext): Promise<number> {
  const { args, env } = ctx;
  const inputs = releaseInputs(ctx);
  if (typeof inputs === 'string') {
    printError(ctx, inputs);
    return EXIT_USAGE;
  }
  const runDir = chooseRunDir(ctx);
  // Labels carry the hash itself: the hash covers every other variable.
  const { image_labels: _labels, ...vars } = packerVars(env);
  const imageHash = imageSourceHash(ctx.deps.root, vars);
  const plan = buildUpPlan(
    env,
    { root: ctx.deps.root, runDir: runDir.dir, cdktf: ctx.cdktf, node: process.execPath },
    {
      from: args.from as UpStepName | undefined,
      only: args.only as UpStepName | undefined,
      skipImage: args.skipImage,
      buildImage: args.buildImage,
      image: { currentHash: imageHash, lastBuild: readState(ctx.runBase, env.name).image },
      ...inputs,
      checkTiming:
        args.checkTimeoutSeconds === undefined
          ? DEFAULT_CHECK_TIMING
          : { ...DEFAULT_CHECK_TIMING, deadlineMs: args.checkTimeoutSeconds * 1000 },
    },
  );
  if (args.dryRun) {
    const code = dryRun(ctx, plan, runDir.resumed);
    const stacks = plannedStacks(plan);
    if (stacks.length > 0) {
      ctx.deps.stdout.write(
        `before any step: cdktf synth, then terraform init, plan -out and show -json of ${stacks.join(', ')}; the summary; approval ` +
          `(a terminal answers, or --auto-approve; nothing is applied that was not shown)\n`,
      );
    }
    return code;
  }
  const record = (step: PlannedStep) => recordStep(ctx, step, plan.runDir, imageHash);
  return runLocked(ctx, plan, runDir.resumed, record, (p) => reviewUp(ctx, p));
}
