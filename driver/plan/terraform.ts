/**
 * Pure builders of the Terraform calls a run makes in a stack's folder of its own synth output
 * (`<run folder>/cdktf.out/stacks/<stack>`, paths.ts): init, plan into a saved plan file, show that file as JSON,
 * apply it, read the outputs.
 */
import { join } from 'node:path';
import { BACKEND_STACK, BACKEND_STATE_FILE, REGISTRY_STACK } from '../../lib/constants';
import { stackDir } from '../paths';
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

/** Terraform in the folder the run's cdktf synth wrote the stack into. */
function call(runDir: string, stack: string, args: readonly string[]): Call {
  return { command: 'terraform', args, cwd: stackDir(runDir, stack) };
}

/**
 * The backend stack's local state (`backendState: 'local'`) by its absolute path: the synthesized config names it
 * relative to cdktf.out/stacks/backend in the checkout, and a run synthesizes into its own folder.
 */
export function backendStateConfig(root: string): string {
  return `-backend-config=path=${join(root, BACKEND_STATE_FILE)}`;
}

/** `terraform init`; `backendConfig` adds a -backend-config argument (backendStateConfig). */
function initCall(runDir: string, stack: string, backendConfig?: string): Call {
  const args = ['init', '-input=false', '-no-color'];
  if (backendConfig !== undefined) args.push(backendConfig);
  return call(runDir, stack, args);
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
  /** The backend stack's -backend-config for init (backendStateConfig), when its state is local. */
  readonly backendConfig?: string;
}

/** init, plan -out (`-destroy`, `-replace`), show -json: the calls that turn a synthesized stack into a reviewable plan. */
export function planCalls(runDir: string, stack: string, mode: PlanMode = {}) {
  const file = planFile(runDir, stack);
  const planArgs = ['plan', '-input=false', '-no-color'];
  if (mode.destroy) planArgs.push('-destroy');
  if (mode.replace !== undefined) planArgs.push(`-replace=${mode.replace}`);
  planArgs.push(...(mode.vars ?? []));
  planArgs.push('-lock-timeout=60s');
  return {
    init: initCall(runDir, stack, mode.backendConfig),
    plan: call(runDir, stack, [...planArgs, `-out=${file}`]),
    show: showCall(runDir, stack, file),
  };
}

/** The stack's state as Terraform holds it (`serial`, `lineage`): a saved plan is for that state alone. */
export function statePullCall(runDir: string, stack: string): Call {
  return call(runDir, stack, ['state', 'pull']);
}

/** `terraform show -json` of a saved plan file (a copy in another run folder included). */
export function showCall(runDir: string, stack: string, file: string): Call {
  return call(runDir, stack, ['show', '-json', '-no-color', file]);
}

/** `validate`: init without the state backend (no Google access), then `terraform validate`. */
export function validateCalls(runDir: string, stack: string) {
  return {
    init: initCall(runDir, stack, '-backend=false'),
    validate: call(runDir, stack, ['validate', '-no-color']),
  };
}

/** `terraform apply` of the saved plan: what was shown is what happens (a stale plan is refused by Terraform). */
export function applyCall(runDir: string, stack: string): Call {
  return call(runDir, stack, [
    'apply',
    '-input=false',
    '-no-color',
    '-auto-approve',
    planFile(runDir, stack),
  ]);
}

/** The stack's outputs as Terraform prints them: `{ name: { value, type, sensitive } }`. */
export function outputCall(runDir: string, stack: string): Call {
  return call(runDir, stack, ['output', '-json', '-no-color']);
}

/** Terraform's `output -json` in the outputs contract's file shape (cdktf's `--outputs-file`): `{ stack: { name: value } }`. */
export function outputsFileContent(stack: string, terraformOutputs: unknown): string {
  const entries = Object.entries((terraformOutputs ?? {}) as Record<string, { value?: unknown }>);
  const values = Object.fromEntries(entries.map(([name, o]) => [name, o?.value]));
  return `${JSON.stringify({ [stack]: values }, null, 2)}\n`;
}
