/**
 * Pure builders of the Terraform calls `plan <env>` makes in a synthesized stack's folder
 * (cdktf.out/stacks/<stack>): init, plan into a saved plan file, and show that file as JSON.
 */
import { join } from 'node:path';
import { BACKEND_STACK, REGISTRY_STACK } from '../../lib/constants';
import type { Call } from './steps';

/** What every Terraform call of the driver adds to the environment: no update checks, output for a machine. */
export const TERRAFORM_ENV = Object.freeze({ CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' });

/** The stacks an environment's `up` touches, in the order it applies them. */
export function stacksOf(environment: string): readonly string[] {
  return [BACKEND_STACK, REGISTRY_STACK, environment];
}

/** The saved plan of a stack in a run folder. */
export function planFile(runDir: string, stack: string): string {
  return join(runDir, `${stack}.tfplan`);
}

/** Terraform in the folder cdktf synthesizes a stack into. */
function call(root: string, stack: string, args: readonly string[]): Call {
  return { command: 'terraform', args, cwd: join(root, 'cdktf.out', 'stacks', stack) };
}

/** The Terraform address of a host's instance in its environment's stack (stacks/readable-stack.ts names it). */
export function instanceAddress(host: string): string {
  return `google_compute_instance.fleet_${host}`;
}

/** What changes a plan: `-destroy` (destroy), `-replace=<address>` (up/plan --replace). */
export interface PlanMode {
  readonly destroy?: boolean;
  readonly replace?: string;
  /** `-var name=value` pairs (a managed fleet's release: driver/managed/releases.ts). */
  readonly vars?: readonly string[];
}

/** init, plan -out (`-destroy`, `-replace`), show -json: the calls that turn a synthesized stack into a reviewable plan. */
export function planCalls(root: string, runDir: string, stack: string, mode: PlanMode = {}) {
  const file = planFile(runDir, stack);
  const planArgs = ['plan', '-input=false', '-no-color'];
  if (mode.destroy) planArgs.push('-destroy');
  if (mode.replace !== undefined) planArgs.push(`-replace=${mode.replace}`);
  planArgs.push(...(mode.vars ?? []));
  planArgs.push('-lock-timeout=60s');
  return {
    init: call(root, stack, ['init', '-input=false', '-no-color']),
    plan: call(root, stack, [...planArgs, `-out=${file}`]),
    show: showCall(root, stack, file),
  };
}

/** The stack's state as Terraform holds it (`serial`, `lineage`): a saved plan is for that state alone. */
export function statePullCall(root: string, stack: string): Call {
  return call(root, stack, ['state', 'pull']);
}

/** `terraform show -json` of a saved plan file (a copy in another run folder included). */
export function showCall(root: string, stack: string, file: string): Call {
  return call(root, stack, ['show', '-json', '-no-color', file]);
}

/** `validate`: init without the state backend (no Google access), then `terraform validate`. */
export function validateCalls(root: string, stack: string) {
  return {
    init: call(root, stack, ['init', '-input=false', '-no-color', '-backend=false']),
    validate: call(root, stack, ['validate', '-no-color']),
  };
}

/** `terraform apply` of the saved plan: what was shown is what happens (a stale plan is refused by Terraform). */
export function applyCall(root: string, runDir: string, stack: string): Call {
  return call(root, stack, [
    'apply',
    '-input=false',
    '-no-color',
    '-auto-approve',
    planFile(runDir, stack),
  ]);
}

/** The stack's outputs as Terraform prints them: `{ name: { value, type, sensitive } }`. */
export function outputCall(root: string, stack: string): Call {
  return call(root, stack, ['output', '-json', '-no-color']);
}

/** Terraform's `output -json` in the outputs contract's file shape (cdktf's `--outputs-file`): `{ stack: { name: value } }`. */
export function outputsFileContent(stack: string, terraformOutputs: unknown): string {
  const entries = Object.entries((terraformOutputs ?? {}) as Record<string, { value?: unknown }>);
  const values = Object.fromEntries(entries.map(([name, o]) => [name, o?.value]));
  return `${JSON.stringify({ [stack]: values }, null, 2)}\n`;
}
