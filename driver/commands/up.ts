/** `up <env>`: preflight → image → backend → registry → environment → inventory → hosts → check. */
import type { EnvContext } from '../context';
import { now } from '../context';
import { buildUpPlan } from '../plan/build';
import { imageSourceHash } from '../plan/image-hash';
import { PlannedStep, UpStepName } from '../plan/steps';
import { DEFAULT_CHECK_TIMING, packerVars, runFiles } from '../plan/tools';
import { readState, updateState } from '../state';
import { chooseRunDir, dryRun, runLocked } from './run';

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

export async function upCommand(ctx: EnvContext): Promise<number> {
  const { args, env } = ctx;
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
      checkTiming:
        args.checkTimeoutSeconds === undefined
          ? DEFAULT_CHECK_TIMING
          : { ...DEFAULT_CHECK_TIMING, deadlineMs: args.checkTimeoutSeconds * 1000 },
    },
  );
  if (args.dryRun) return dryRun(ctx, plan, runDir.resumed);
  return runLocked(ctx, plan, runDir.resumed, (step) => recordStep(ctx, step, plan.runDir, imageHash));
}
