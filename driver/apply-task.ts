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
import { terraformErrorLine } from './tool-errors';

type Env = Readonly<Record<string, string | undefined>>;
type Call = TerraformApplyTask['apply'];

/** Runs one Terraform command; its output goes to the log when it ends, a failure throws with `notes(output)`. */
async function terraform(call: Call, env: Env, taskCtx: TaskContext, notes: (output: string) => string[] = () => []) {
  const line = commandLine(call.command, call.args);
  taskCtx.log(`$ ${line}`);
  const o = { cwd: call.cwd, env: { ...env, ...TERRAFORM_ENV }, signal: taskCtx.signal, group: taskCtx.group };
  const ran = await capture(call.command, call.args, o);
  if (ran.code !== 0) {
    const output = `${ran.stdout}\n${ran.stderr}`;
    taskCtx.log(output);
    throw new StepFailure(`${line} failed (exit ${ran.code})`, notes(output));
  }
  if (ran.stderr.trim() !== '') taskCtx.log(ran.stderr);
  return ran.stdout;
}

const STALE = /Saved plan is stale|plan file.*(?:stale|no longer)/i;

/** What a failed apply's report adds: the tail of Terraform's output, and what a stale plan or a known error means. */
function applyNotes(task: TerraformApplyTask, output: string): string[] {
  const notes = cleanTail(output, 12);
  const cause = terraformErrorLine(output);
  if (cause !== undefined) notes.unshift(`failed: ${cause}`);
  if (STALE.test(output))
    notes.push(`the state of ${task.stack} changed since it was planned: run up again to plan anew`);
  if (task.hint?.match.test(output)) notes.push(`hint: ${task.hint.text}`);
  return notes;
}

/** Terraform's `output -json`, parsed; not JSON is a one-line StepFailure naming the command and an excerpt. */
function parseOutputs(call: Call, json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    const start = JSON.stringify(json.trim().slice(0, 20));
    const why = (err as Error).message.split('\n')[0];
    throw new StepFailure(
      `${commandLine(call.command, call.args)} printed no JSON (${why}): ${json.length} characters, starting ${start}`,
      [],
    );
  }
}

export async function applyTask(task: TerraformApplyTask, env: Env, taskCtx: TaskContext): Promise<void> {
  if (task.noChanges) taskCtx.log(`no changes in ${task.stack}: nothing to apply`);
  else taskCtx.log(await terraform(task.apply, env, taskCtx, (output) => applyNotes(task, output)));
  if (task.output === undefined || task.outputsFile === undefined) return;
  const json = await terraform(task.output, env, taskCtx);
  writeFileSync(task.outputsFile, outputsFileContent(task.stack, parseOutputs(task.output, json)));
}
