/** The in-process steps: preflight, and the HTTP check of every host's app URL. */
import { applyTask } from './apply-task';
import { appTargets, checkTargets, frontDoor } from './check';
import type { EnvContext } from './context';
import { formatDuration } from './format';
import { readStackOutputs } from './outputs';
import { releaseBuildTask } from './release-task';
import type { HttpCheckTask, Task } from './plan/steps';
import { checkPrerequisites, describeProblems, PreflightInput, problemCount } from './preflight';
import { StepFailure, TaskContext } from './runner/run-plan';

/** What preflight checks, with where and how. */
export function preflightInput(
  ctx: Omit<EnvContext, 'env' | 'project'>,
  task: Pick<PreflightInput, 'requirements' | 'files'>,
  config: PreflightInput['config'],
): PreflightInput {
  const { deps } = ctx;
  return { ...task, root: deps.root, env: deps.env, home: ctx.home, cdktf: ctx.cdktf, config, probe: deps.probe };
}

async function httpCheck(task: HttpCheckTask, taskCtx: TaskContext): Promise<void> {
  let outputs;
  try {
    outputs = readStackOutputs(task.outputsFile, task.stack);
  } catch (error) {
    throw new StepFailure(`cannot read the hosts: ${(error as Error).message}`);
  }
  const targets = appTargets(outputs, task.path);
  if (targets.length === 0) throw new StepFailure(`${task.outputsFile} lists no hosts for ${task.stack}`);
  const results = await checkTargets(targets, { ...task, signal: taskCtx.signal, log: taskCtx.log });
  const failed = results.filter((x) => !x.ok);
  if (failed.length === 0) return;
  const what =
    frontDoor(outputs) !== undefined
      ? `the load balancer did not answer at ${outputs.app_url}`
      : `${failed.length} of ${results.length} hosts did not answer on port ${outputs.app_port}`;
  throw new StepFailure(
    `${what} within ${formatDuration(task.deadlineMs)}: ` + failed.map((f) => f.host).join(', '),
    failed.map((f) => `${f.host}  ${f.url}  ${f.detail} (${f.attempts} ${f.attempts === 1 ? 'attempt' : 'attempts'})`),
  );
}

export async function runTask(ctx: EnvContext, task: Task, taskCtx: TaskContext): Promise<void> {
  if (task.type === 'http-check') return httpCheck(task, taskCtx);
  if (task.type === 'terraform-apply') return applyTask(task, ctx.deps.env as NodeJS.ProcessEnv, taskCtx);
  if (task.type === 'release-build') return releaseBuildTask(task, ctx.deps.env, taskCtx);
  const findings = await checkPrerequisites(preflightInput(ctx, task, { ok: true, value: ctx.env }));
  for (const f of findings)
    taskCtx.log(`${f.ok ? 'ok' : 'MISSING'}  ${f.summary}${f.fix ? `\n    fix: ${f.fix}` : ''}`);
  if (findings.some((f) => !f.ok)) throw new StepFailure(problemCount(findings), describeProblems(findings));
}
