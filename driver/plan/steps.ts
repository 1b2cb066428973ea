/**
 * The plan is data. Each step is either a process the runner spawns (argument array, no shell) or an in-process
 * task identified by data; `--dry-run` prints both kinds, and tests compare plans with plain equality.
 */

import type { AppBuildConfig } from '../../config';
import type { SshLogin } from '../ssh';

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
/**
 * Steps of `destroy`, in order. Neither the state backend nor the registry is ever destroyed by the driver: both are
 * shared by every environment of the project (see commands/destroy.ts).
 */
export const DESTROY_STEPS = ['preflight', 'destroy'] as const;

export type UpStepName = (typeof UP_STEPS)[number];
export type DestroyStepName = (typeof DESTROY_STEPS)[number];
export type StepName = UpStepName | DestroyStepName;

/** A file the driver writes just before a step runs: values flow between tools as files, never by hand. */
interface FileToWrite {
  readonly path: string;
  readonly content: string;
}

/** A file a step reads that an earlier step (or run) produced. */
interface NeededFile {
  readonly path: string;
  /** The step that writes it, for the "run --from <step>" hint. */
  readonly from: StepName;
}

/**
 * Ansible extra vars the driver writes just before a step runs, from a file an earlier step produced: the content
 * exists only at run time, so the plan holds what it is made of (and --dry-run prints that) instead of the content.
 */
export type DerivedVarsFile = RegistryHostsVars | ReleaseImageVars;

export interface RegistryHostsVars {
  readonly path: string;
  /** `docker_host_registry_hosts`: the environment's registry host, from the registry stack's outputs. */
  readonly type: 'registry-hosts';
  /** The registry stack's outputs (`cdktf deploy registry --outputs-file`). */
  readonly outputsFile: string;
  readonly stack: string;
  readonly environment: string;
}

interface StepBase {
  readonly name: StepName;
  /** What the progress line says, e.g. `deploy stage`. */
  readonly title: string;
  readonly writes?: readonly FileToWrite[];
  readonly derives?: readonly DerivedVarsFile[];
  readonly needs?: readonly NeededFile[];
}

/** A process: spawned with an argument array in `cwd`, with `env` added to the driver's environment. */
export interface ExecStep extends StepBase {
  readonly kind: 'exec';
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Only the variables this step adds; shown in --dry-run. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Where a failure's explanation is printed from: `stderr` (most tools) or `output` (stdout and stderr as they came:
   * ansible-playbook reports a failed task on stdout).
   */
  readonly failureOutput: 'stderr' | 'output';
  /** Known failures: when the step fails and its output matches, the failure message adds the hint's text. */
  readonly hints?: readonly StepHint[];
}

export interface StepHint {
  readonly match: RegExp;
  readonly text: string;
}

/** What the driver checks to start, in the order preflight reports them: the ids are also what --dry-run prints. */
export const REQUIREMENTS = [
  ...['config', 'gcp-project', 'credentials', 'packer', 'cdktf', 'terraform'],
  ...['ansible-playbook', 'ssh-public-key', 'ssh-private-key', 'gcloud', 'docker'],
] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

export interface PreflightTask {
  readonly type: 'preflight';
  readonly requirements: readonly Requirement[];
  /** Repository files the selected steps use (relative to the root), e.g. `packer/`, `ansible/playbooks/site.yml`. */
  readonly files: readonly string[];
}

export interface HttpCheckTask {
  readonly type: 'http-check';
  /** The stack outputs the deploy step wrote. */
  readonly outputsFile: string;
  readonly stack: string;
  readonly path: string;
  /** How long to keep retrying, in total, for every host. */
  readonly deadlineMs: number;
  /** One request's timeout. */
  readonly attemptTimeoutMs: number;
  /** Pause between attempts on one host. */
  readonly intervalMs: number;
}

/**
 * Apply one stack's saved plan (`terraform apply <run>/<stack>.tfplan` in its synthesized folder), then, when the
 * stack's outputs are read later, write them as an outputs file (`terraform output -json`, in the contract's shape).
 */
export interface TerraformApplyTask {
  readonly type: 'terraform-apply';
  readonly stack: string;
  /** The saved plan, and the apply of it. */
  readonly planFile: string;
  readonly apply: { readonly command: string; readonly args: readonly string[]; readonly cwd: string };
  /** `terraform output -json`, written to `outputsFile` in the outputs contract's shape. */
  readonly output?: { readonly command: string; readonly args: readonly string[]; readonly cwd: string };
  readonly outputsFile?: string;
  /** The plan shows no change: only the outputs are read (set by the review before the run, commands/up-review.ts). */
  readonly noChanges?: boolean;
  /** A known failure: when Terraform's output matches, the failure adds this text. */
  readonly hint?: StepHint;
}

/** `app_image` (`repo@sha256:…`) and `app_release_commit` for site.yml, from the build step's release file. */
export interface ReleaseImageVars {
  readonly path: string;
  readonly type: 'release-image';
  readonly releaseFile: string;
}

/**
 * The `build` step (app.build): tag `<repository>/<name>:<commit>`, skip when the registry has the tag, else
 * `docker build` on the first host over SSH (or the local engine) and `docker push`; the digest goes to releaseFile.
 */
export interface ReleaseBuildTask {
  readonly type: 'release-build';
  readonly environment: string;
  /** The environment's outputs (its first host) and the registry stack's (its repository URL). */
  readonly outputsFile: string;
  readonly registryOutputsFile: string;
  readonly registryStack: string;
  readonly build: AppBuildConfig;
  /** The git commit, and the tag (`<commit>` or `<commit>-dirty`). */
  readonly commit: string;
  readonly tag: string;
  /** --local: the local engine builds. */
  readonly local: boolean;
  /** Where docker runs (the context is relative to it): the repository root. */
  readonly cwd: string;
  readonly ssh: SshLogin;
  /** The folder of the ssh wrapper docker's ssh:// transport runs (ssh.ts sshWrapperScript). */
  readonly wrapperDir: string;
  readonly releaseFile: string;
}

export type Task = PreflightTask | HttpCheckTask | TerraformApplyTask | ReleaseBuildTask;

/** Work done inside the driver process (no external command); still a step with a log and a duration. */
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
