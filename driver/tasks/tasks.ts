/** The in-process steps: preflight here; the check, apply and build steps in their files. */
import { applyTask } from './apply-task';
import { httpCheck } from './check';
import type { EnvContext } from '../context';
import { releaseBuildTask } from '../release/release-task';
import type { InventoryTask, Task } from '../plan/steps';
import { checkPrerequisites, describeProblems, PreflightInput, problemCount } from '../preflight';
import { defaultProbe } from '../preflight/tools';
import { StepFailure, TaskContext } from '../runner/run-plan';
import { writeStackInventory } from '../inventory/inventory-file';

/** What preflight checks, with where and how. */
export function preflightInput(
  ctx: Omit<EnvContext, 'env' | 'project'>,
  task: Pick<PreflightInput, 'requirements' | 'files'>,
  config: PreflightInput['config'],
): PreflightInput {
  const { deps } = ctx;
  const probe = deps.probe ?? defaultProbe(ctx.exec, deps.env);
  return {
    ...task,
    root: deps.root,
    env: deps.env,
    home: ctx.home,
    cdktf: ctx.cdktf,
    config,
    probe,
  };
}

export async function runTask(ctx: EnvContext, task: Task, taskCtx: TaskContext): Promise<void> {
  if (task.type === 'http-check') return httpCheck(task, taskCtx);
  if (task.type === 'terraform-apply') return applyTask(task, ctx.deps.env, taskCtx);
  if (task.type === 'release-build') return releaseBuildTask(task, ctx.deps.env, taskCtx);
  if (task.type === 'inventory') return inventoryTask(task, taskCtx);
  const findings = await checkPrerequisites(
    preflightInput(ctx, task, { ok: true, value: ctx.env }),
  );
  for (const f of findings)
    taskCtx.log(`${f.ok ? 'ok' : 'MISSING'}  ${f.summary}${f.fix ? `\n    fix: ${f.fix}` : ''}`);
  if (findings.some((f) => !f.ok))
    throw new StepFailure(problemCount(findings), describeProblems(findings));
}

/** The inventory step: a bad outputs file is one line naming it (the stack outputs contract's parser says what). */
function inventoryTask(task: InventoryTask, taskCtx: TaskContext): void {
  try {
    writeStackInventory(task.outputsFile, task.stack, task.out);
  } catch (error) {
    throw new StepFailure(`inventory: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}`);
  }
  taskCtx.log(`wrote ${task.out} from ${task.outputsFile}`);
}
