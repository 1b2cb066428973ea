/**
 * The in-process `terraform-apply` step: applies a stack's saved plan, then writes its outputs file. Terraform's
 * output goes to the step's log line by line; a failure's tail is the report; a stale plan says to plan again.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { commandLine } from './format';
import { outputsFileContent, TERRAFORM_ENV } from './plan/terraform';
import type { TerraformApplyTask } from './plan/steps';
import { cleanTail } from './runner/log';
import { StepFailure, TaskContext } from './runner/run-plan';

const run = promisify(execFile);

type Call = TerraformApplyTask['apply'];

async function terraform(call: Call, env: NodeJS.ProcessEnv, taskCtx: TaskContext): Promise<string> {
  taskCtx.log(`$ ${commandLine(call.command, call.args)}`);
  try {
    const { stdout, stderr } = await run(call.command, [...call.args], {
      cwd: call.cwd,
      env: { ...env, ...TERRAFORM_ENV },
      signal: taskCtx.signal,
      maxBuffer: 256 * 1024 * 1024,
    });
    if (stderr.trim() !== '') taskCtx.log(stderr);
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number | string; message: string };
    const output = `${e.stdout ?? ''}\n${e.stderr ?? ''}`;
    taskCtx.log(output);
    throw Object.assign(new StepFailure(`${commandLine(call.command, call.args)} failed (${e.code ?? e.message})`), {
      output,
    });
  }
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
