/** `up <env>`: preflight → image → backend → registry → environment → inventory → hosts → check. */
import { argsFor } from '../args';
import { GitState, ReleaseError, releaseTag } from '../release/image-ref';
import { EnvContext, now, printError } from '../context';
import { EXIT_USAGE } from '../../lib/exit-codes';
import { SIGNAL_EXIT } from '../../lib/signals';
import { gitState, operator as whoDeploys } from '../git';
import { buildUpPlan } from '../plan/build';
import { imageSourceHash } from '../plan/image-hash';
import { PlannedStep, UP_STEPS, UpStepName } from '../plan/steps';
import { DEFAULT_CHECK_TIMING, Operator, packerVars, ReleaseInput, runFiles } from '../plan/tools';
import { readState, updateState } from '../state';
import { runCommand } from '../runner/run-command';
import { replaceTarget } from '../review/stack-plans';
import { managedRelease } from '../managed/releases';
import type { ManagedRelease } from '../managed/history';
import { OutputsError } from '../../stacks/outputs-parser';
import { publishRelease } from '../managed/shared-history';
import { readFleetOutputs } from '../outputs';

/** What a successful step leaves in the run state: the image build, the deploy's outputs file, the build's release file. */
function recordStep(ctx: EnvContext, step: PlannedStep, runDir: string, imageHash: string): void {
  const { env } = ctx;
  const at = now(ctx).toISOString();
  if (step.name === 'build')
    updateState(ctx.runBase, env.name, (s) => ({
      ...s,
      lastRelease: { file: runFiles(runDir).release, at },
    }));
  if (step.name === 'image') {
    const image = {
      hash: imageHash,
      projectId: env.projectId,
      imageFamily: env.imageFamily,
      builtAt: at,
      runDir,
    };
    updateState(ctx.runBase, env.name, (s) => ({ ...s, image }));
  } else if (step.name === 'deploy') {
    updateState(ctx.runBase, env.name, (s) => ({
      ...s,
      lastOutputs: { file: runFiles(runDir).outputs, at },
    }));
  }
}

/** Who deploys which commit, and (app.build) the image's tag; a one-line refusal (a dirty tree) as a string. */
async function releaseInputs(
  ctx: EnvContext,
): Promise<{ operator: Operator; release?: ReleaseInput } | string> {
  const { deps, env } = ctx;
  const args = argsFor(ctx.args, 'up');
  const git = await gitState(ctx.exec);
  const operator = { who: await whoDeploys(ctx.exec, deps.env), commit: git?.commit ?? '' };
  if (env.app.build === undefined) {
    if (args.only !== 'build' && args.from !== 'build') return { operator };
    return `${env.name} has no build step: it deploys the prebuilt ${env.app.image} (no app.build)`;
  }
  if (git === undefined)
    return `${env.name} builds its app image (app.build), which needs a git checkout (its commit is the tag)`;
  try {
    return {
      operator,
      release: { commit: git.commit, tag: dirtyTag(ctx, git), local: args.local },
    };
  } catch (err) {
    if (err instanceof ReleaseError) return err.message;
    throw err;
  }
}

/**
 * The release tag; a dirty tree is refused by a real run only: a dry run previews it (the config edit that turns
 * app.build on is itself the dirty change) as `<commit>-dirty`, with a note of the refusal a real run would give.
 */
function dirtyTag(ctx: EnvContext, git: GitState): string {
  const args = argsFor(ctx.args, 'up');
  if (!args.dryRun || args.allowDirty) return releaseTag(git, args.allowDirty);
  try {
    return releaseTag(git);
  } catch (err) {
    if (!(err instanceof ReleaseError)) throw err;
    const tag = releaseTag(git, true);
    ctx.warnings.push(`a real run refuses this tree: ${err.message}`);
    return tag;
  }
}

/** Whether the run applies the environment's stack (`deploy`): only then does a managed fleet need its release. */
function appliesEnvironment(ctx: EnvContext): boolean {
  const { only, from } = argsFor(ctx.args, 'up');
  if (only !== undefined) return only === 'deploy';
  return from === undefined || UP_STEPS.indexOf(from as UpStepName) <= UP_STEPS.indexOf('deploy');
}

export async function upCommand(given: EnvContext): Promise<number> {
  // A managed fleet's release is decided once, before anything runs: the plan rolls it, the check records it.
  const ctx =
    given.env.fleet === 'managed' && appliesEnvironment(given)
      ? { ...given, release: managedRelease(given.env, given.runBase, given.release) }
      : given;
  const { env } = ctx;
  const args = argsFor(ctx.args, 'up');
  replaceTarget(ctx); // a host the environment does not have: exit 2 before anything runs
  const inputs = await releaseInputs(ctx);
  // A signal while git was read: nothing else starts (the refusal a missing commit gives would be wrong).
  if (ctx.exec.interrupted !== undefined) return SIGNAL_EXIT[ctx.exec.interrupted];
  if (typeof inputs === 'string') {
    printError(ctx, inputs);
    return EXIT_USAGE;
  }
  // Labels carry the hash itself: the hash covers every other variable.
  const { image_labels: _labels, ...vars } = packerVars(env);
  const imageHash = imageSourceHash(ctx.deps.root, vars);
  const seconds = args.checkTimeoutSeconds;
  const options = {
    from: args.from as UpStepName | undefined,
    only: args.only as UpStepName | undefined,
    ...inputs,
    skipImage: args.skipImage,
    buildImage: args.buildImage,
    image: { currentHash: imageHash, lastBuild: readState(ctx.runBase, env.name).image },
    checkTiming:
      seconds === undefined
        ? DEFAULT_CHECK_TIMING
        : { ...DEFAULT_CHECK_TIMING, deadlineMs: seconds * 1000 },
  };
  const rolled: { runDir: string; release: ManagedRelease }[] = [];
  const record = (step: PlannedStep, runDir: string) => {
    recordStep(ctx, step, runDir, imageHash);
    const release = step.name === 'check' ? rolledRelease(ctx, runDir, inputs.operator) : undefined;
    if (release !== undefined) rolled.push({ runDir, release });
  };
  const code = await runCommand(ctx, (paths) => buildUpPlan(env, paths, options), record);
  for (const { runDir, release } of rolled) await publishRelease(ctx, runDir, release);
  return code;
}

/**
 * A managed fleet's release whose check passed, to be recorded in the shared history (what `releases` shows and
 * `rollback` goes back from); undefined for a fixed fleet or a run that rolled no release.
 */
function rolledRelease(
  ctx: EnvContext,
  runDir: string,
  operator: Operator,
): ManagedRelease | undefined {
  if (ctx.env.fleet !== 'managed' || ctx.release === undefined) return undefined;
  const release = { time: now(ctx).toISOString(), ...operator, image: ctx.release };
  try {
    const outputs = readFleetOutputs(runFiles(runDir).outputs, ctx.env.name);
    if (outputs.fleet === 'managed') return { ...release, template: outputs.template };
  } catch (err) {
    if (!(err instanceof OutputsError)) throw err;
  }
  return release;
}
