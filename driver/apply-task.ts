/**
 * The in-process `terraform-apply` step: applies a stack's saved plan, then writes its outputs file. Terraform's
 * output goes to the step's log when it ends; a failure's tail is the report; a stale plan says to plan again.
 */
import { writeFileSync } from 'node:fs';
import { commandLine } from './format';
import { outputsFileContent, TERRAFORM_ENV } from './plan/terraform';
import type { TerraformApplyTask } from './plan/steps';
import { capture } from './runner/capture';
import { cleanTail } from './runner/log';
import { StepFailure, TaskContext } from './runner/run-plan';

type Call = TerraformApplyTask['apply'];

async function terraform(call: Call, env: NodeJS.ProcessEnv, taskCtx: TaskContext): Promise<string> {
  const line = commandLine(call.command, call.args);
  taskCtx.log(`$ ${line}`);
  const ran = await capture(call.command, call.args, {
    cwd: call.cwd,
    env: { ...env, ...TERRAFORM_ENV },
    signal: taskCtx.signal,
  });
  if (ran.code === 0) {
    if (ran.stderr.trim() !== '') taskCtx.log(ran.stderr);
    return ran.stdout;
  }
  const output = `${ran.stdout}\n${ran.stderr}`;
  taskCtx.log(output);
  throw Object.assign(new StepFailure(`${line} failed (exit ${ran.code})`), { output });
}

const STALE = /Saved plan is stale|plan file.*(?:stale|no longer)/i;

export async function applyTask(task: TerraformApplyTask, env: NodeJS.ProcessEnv, taskCtx: TaskContext): Promise<void> {
  try {
    if (task.noChanges) taskCtx.log(`no changes in ${task.stack}: nothing to apply`);
    else taskCtx.log(await terraform(task.apply, env, taskCtx));
  } catch (error) {
    const output = (error as { output?: string }).output ?? '';
    const notes = cleanTail(output, 12);
    if (STALE.test(output))
      notes.push(`the state of ${task.stack} changed since it was planned: run up again to plan anew`);
    if (task.hint !== undefined && task.hint.match.test(output)) notes.push(`hint: ${task.hint.text}`);
    throw new StepFailure((error as Error).message, notes);
  }
  if (task.output === undefined || task.outputsFile === undefined) return;
  const json = await terraform(task.output, env, taskCtx);
  writeFileSync(task.outputsFile, outputsFileContent(task.stack, JSON.parse(json) as unknown));
}
