/**
 * The plan is data. Each step is either a process the runner spawns (argument array, no shell) or an in-process
 * task identified by data; `--dry-run` prints both kinds, and tests compare plans with plain equality.
 */

import type { AppBuildConfig } from '../../config';
import type { SshLogin } from '../fleet/ssh';

/** Steps of `up`, in order (`build` only for an environment with app.build). */
export const UP_STEPS = [
  'preflight',
  'packer-init',
  'image',
  'backend',
  'registry',
  'deploy',
  'inventory',
  'build',
  'hosts',
  'check',
] as const;
/** Steps of `destroy`: never the state backend nor the registry, which every environment shares. */
export const DESTROY_STEPS = ['preflight', 'destroy'] as const;

export type UpStepName = (typeof UP_STEPS)[number];
export type DestroyStepName = (typeof DESTROY_STEPS)[number];
export type StepName = UpStepName | DestroyStepName;

/** A command: an argument array run in `cwd`. */
export interface Call {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/**
 * Ansible extra vars written just before a step runs, from a file an earlier step produced: the content exists
 * only at run time, so the plan holds what it is made of (and --dry-run prints that).
 */
export type DerivedVarsFile = RegistryHostsVars | ReleaseImageVars;

/** `docker_host_registry_hosts`: the environment's registry host, from the registry stack's outputs file. */
export interface RegistryHostsVars {
  readonly path: string;
  readonly type: 'registry-hosts';
  readonly outputsFile: string;
  readonly stack: string;
  readonly environment: string;
}

/** `app_image` (`repo@sha256:…`) and `app_release_commit` for site.yml, from the build step's release file. */
export interface ReleaseImageVars {
  readonly path: string;
  readonly type: 'release-image';
  readonly releaseFile: string;
}

interface StepBase {
  readonly name: StepName;
  /** What the progress line says, e.g. `deploy stage`. */
  readonly title: string;
  /** Files written just before the step runs: values flow between tools as files, never by hand. */
  readonly writes?: readonly { readonly path: string; readonly content: string }[];
  readonly derives?: readonly DerivedVarsFile[];
  /** Files an earlier step writes (`from`: that step, for the "--from <step>" hint). */
  readonly needs?: readonly { readonly path: string; readonly from: StepName }[];
}

export interface ExecStep extends StepBase, Call {
  readonly kind: 'exec';
  /** Only the variables this step adds to the driver's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Where a failure is explained from: `output` is stdout and stderr as they came (ansible reports on stdout). */
  readonly failureOutput: 'stderr' | 'output';
}

/** A known failure: when the output matches, the failure message adds the text. */
export interface StepHint {
  readonly match: RegExp;
  readonly text: string;
}

/** What the driver checks to start, in the order preflight reports them: the ids are also what --dry-run prints. */
export const REQUIREMENTS = [
  'config',
  'gcp-project',
  'credentials',
  'packer',
  'cdktf',
  'terraform',
  'ansible-playbook',
  'ssh-public-key',
  'ssh-private-key',
  'gcloud',
  'docker',
] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

export interface PreflightTask {
  readonly type: 'preflight';
  readonly requirements: readonly Requirement[];
  /** Repository files the selected steps use, e.g. `packer/`, `ansible/playbooks/site.yml`. */
  readonly files: readonly string[];
}

/** GET `path` on every host of the outputs file, every `intervalMs` until `deadlineMs`, `attemptTimeoutMs` each. */
export interface HttpCheckTask {
  readonly type: 'http-check';
  readonly outputsFile: string;
  readonly stack: string;
  readonly path: string;
  readonly deadlineMs: number;
  readonly attemptTimeoutMs: number;
  readonly intervalMs: number;
}

/** Apply one stack's saved plan, then (with `output`) write its outputs to `outputsFile` in the contract's shape. */
export interface TerraformApplyTask {
  readonly type: 'terraform-apply';
  readonly stack: string;
  readonly apply: Call;
  readonly output?: Call;
  readonly outputsFile?: string;
  /** The plan shows no change: only the outputs are read (set by the review before the run, review/up-review.ts). */
  readonly noChanges?: boolean;
  readonly hint?: StepHint;
}

/**
 * The `build` step (app.build): tag `<repository>/<name>:<tag>` (`<commit>` or `<commit>-dirty`), skip when the
 * registry has the tag, else `docker build` in `cwd` (the repository root) on the environment's first host over SSH
 * (through the ssh wrapper in `wrapperDir`, ssh.ts) or, `local`, with the local engine, and `docker push`; the digest
 * goes to releaseFile. The repository is in the registry stack's outputs, the first host in the environment's.
 */
export interface ReleaseBuildTask {
  readonly type: 'release-build';
  readonly environment: string;
  readonly outputsFile: string;
  readonly registryOutputsFile: string;
  readonly registryStack: string;
  readonly build: AppBuildConfig;
  readonly commit: string;
  readonly tag: string;
  readonly local: boolean;
  readonly cwd: string;
  readonly ssh: SshLogin;
  readonly wrapperDir: string;
  readonly releaseFile: string;
}

/** The Ansible inventory from the environment stack's outputs file (driver/inventory/), written to `out`. */
export interface InventoryTask {
  readonly type: 'inventory';
  readonly outputsFile: string;
  readonly stack: string;
  readonly out: string;
}

export type Task =
  PreflightTask | HttpCheckTask | TerraformApplyTask | ReleaseBuildTask | InventoryTask;

/** Work done inside the driver process; still a step with a log and a duration. */
export interface TaskStep extends StepBase {
  readonly kind: 'task';
  readonly task: Task;
}

export type Step = ExecStep | TaskStep;

/** A step in a plan, with why it will not run when it will not. */
export type PlannedStep = Step & { readonly skip?: string };

export interface Plan {
  readonly command: 'up' | 'destroy';
  readonly environment: string;
  readonly runDir: string;
  /** Every step of the command, in order, the skipped ones marked: log numbers stay stable across resumes. */
  readonly steps: readonly PlannedStep[];
}

/** The steps that will run. */
export function activeSteps(plan: Plan): PlannedStep[] {
  return plan.steps.filter((s) => s.skip === undefined);
}
