/**
 * Pure builders: one function per external command the driver runs, and the files it hands to them.
 * Nothing here touches the disk or the environment; tests check the exact argv for every environment.
 */
import { dirname, join } from 'node:path';
import type { EnvironmentConfig } from '../../config';
import { BACKEND_STACK, DEFAULT_DEPLOY_USER, REGISTRY_STACK } from '../../lib/constants';
import type { ExecStep, HttpCheckTask, StepHint, StepName, TaskStep } from './steps';
import { applyCall, outputCall, planFile } from './terraform';
import { knownHostsFile } from '../state';

/** Where things are, for one run. All paths absolute. */
export interface PlanContext {
  /** Repository root: cdktf, packer and the inventory generator run here. */
  readonly root: string;
  /** This run's folder: generated files, outputs and logs. */
  readonly runDir: string;
  /** The cdktf executable: the project's node_modules/.bin/cdktf unless DOCKER_HOSTS_CDKTF says otherwise. */
  readonly cdktf: string;
  /** The node executable that runs the inventory generator. */
  readonly node: string;
}

/** Environment cdktf needs offline and in CI: no telemetry/update checks. */
const CDKTF_ENV: Readonly<Record<string, string>> = Object.freeze({ CHECKPOINT_DISABLE: '1' });

/** Files a run writes and reads, inside its run folder. */
export function runFiles(runDir: string) {
  const file = (name: string) => join(runDir, name);
  return {
    pkrvars: file('image.pkrvars.json'),
    outputs: file('outputs.json'),
    inventory: file('inventory.yml'),
    appVars: file('app-vars.json'),
    registryOutputs: file('registry-outputs.json'),
    registryVars: file('registry-vars.json'),
    /** The build step's result: `{ image: repo@sha256:…, commit, tag, built }`. */
    release: file('release.json'),
    releaseVars: file('release-vars.json'),
  };
}

/**
 * Variables of the Packer template (packer/), from the environment's config: the `-var-file` for `packer build`.
 * `sourceHash` (see image-hash.ts) labels the image with what it was built from.
 */
export function packerVars(env: EnvironmentConfig, sourceHash?: string) {
  // The template itself sets role and managed-by (packer/docker-host-base.pkr.hcl), for builds by hand too.
  const labels: Record<string, string> = { ...env.labels };
  if (sourceHash !== undefined) labels['source-hash'] = sourceHash.slice(0, 16);
  return {
    ...{ project_id: env.projectId, zone: env.zone, image_family: env.imageFamily },
    ...{ source_image_family: env.sourceImageFamily, source_image_project: env.sourceImageProject },
    // Packer logs in as `packer` while it builds (not the deploy user, which the hosts get at boot).
    ...{ machine_type: env.machineType, ssh_username: 'packer' },
    // An OS Login user exists only through NSS on the live hosts: the image keeps the local default.
    deploy_user: env.ssh.osLogin ? DEFAULT_DEPLOY_USER : env.ssh.user,
    image_labels: Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    // The build VM lives where the hosts live, and is reached the way the hosts are (IAP needs gcloud).
    ...{ network: env.network, use_iap: env.ssh.connectVia === 'iap' },
  };
}

/** Who deploys which commit: the release records' `who` and `commit` (driver/git.ts reads them). */
export interface Operator {
  readonly who: string;
  readonly commit: string;
}

/** Extra vars for site.yml (`-e @app-vars.json`). */
export function appVars(env: EnvironmentConfig, operator?: Operator) {
  const { image, port, containerName, healthCheckPath } = env.app;
  // app_health_path: where the on-host proxy and the app answer health checks; the load balancer asks for it too.
  const vars = { app_image: image, app_port: port, app_container_name: containerName, deploy_user: env.ssh.user };
  const withHealth = { ...vars, app_health_path: healthCheckPath };
  return operator === undefined
    ? withHealth
    : { ...withHealth, app_release_who: operator.who, app_release_commit: operator.commit };
}

/** Stable, reviewable JSON for generated files. */
function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

type Exec = Omit<ExecStep, 'kind' | 'env' | 'failureOutput'> & Partial<Pick<ExecStep, 'env' | 'failureOutput'>>;

/** An exec step; by default it adds no environment and explains a failure from its stderr. */
function exec(step: Exec): ExecStep {
  return { kind: 'exec', env: {}, failureOutput: 'stderr', ...step };
}

export function packerInit(ctx: PlanContext): ExecStep {
  return exec({
    name: 'packer-init',
    title: 'install Packer plugins',
    command: 'packer',
    args: ['init', 'packer/'],
    cwd: ctx.root,
  });
}

export function packerBuild(ctx: PlanContext, env: EnvironmentConfig, sourceHash?: string): ExecStep {
  const { pkrvars } = runFiles(ctx.runDir);
  return exec({
    ...{ name: 'image', title: `build image ${env.imageFamily} in ${env.projectId}`, cwd: ctx.root },
    ...{ command: 'packer', args: ['build', `-var-file=${pkrvars}`, 'packer/'], failureOutput: 'output' },
    writes: [{ path: pkrvars, content: jsonFile(packerVars(env, sourceHash)) }],
  });
}

/**
 * The backend stack's state is local by default (./backend.tfstate, backendState: 'local'): on another clone, or
 * after that file was lost, Terraform tries to create the buckets again and GCS answers 409.
 */
const BACKEND_EXISTS_HINT = {
  match: /\b409\b|already exists|You already own this bucket/i,
  text:
    'the state bucket exists, but this clone has no backend state (./backend.tfstate, backendState: "local"): ' +
    "set backendState: 'gcs' in config/environments.ts (the backend's state then lives in the bucket; possible once " +
    'the first deploy made it), or copy backend.tfstate from the machine that created the bucket into the repository root',
};

/** Applies a stack's saved plan (made and approved before the run: commands/up.ts), then writes its outputs file. */
function applyStep(
  ctx: PlanContext,
  step: { name: StepName; title: string; stack: string; outputsFile?: string; hint?: StepHint },
): TaskStep {
  const { name, title, stack, outputsFile, hint } = step;
  const output = outputsFile === undefined ? {} : { output: outputCall(ctx.root, stack), outputsFile };
  const task = { type: 'terraform-apply', stack, planFile: planFile(ctx.runDir, stack) } as const;
  return {
    ...{ kind: 'task', name, title },
    task: { ...task, apply: applyCall(ctx.root, ctx.runDir, stack), ...output, ...(hint ? { hint } : {}) },
  };
}

export function applyBackend(ctx: PlanContext): TaskStep {
  const title = 'apply backend (state buckets)';
  return applyStep(ctx, { name: 'backend', title, stack: BACKEND_STACK, hint: BACKEND_EXISTS_HINT });
}

/**
 * The project's Docker repository (stacks/registry-stack.ts): after the backend (its state is in the bucket), before
 * the environment (whose stack grants the hosts' account read access on it). Its outputs give the hosts step the
 * registry host.
 */
export function applyRegistry(ctx: PlanContext): TaskStep {
  const title = 'apply registry (the Docker repository of the project)';
  return applyStep(ctx, {
    name: 'registry',
    title,
    stack: REGISTRY_STACK,
    outputsFile: runFiles(ctx.runDir).registryOutputs,
  });
}

export function applyEnvironment(ctx: PlanContext, env: EnvironmentConfig): TaskStep {
  const title = `apply ${env.name} (${env.hostCount} ${env.hostCount === 1 ? 'host' : 'hosts'})`;
  return applyStep(ctx, { name: 'deploy', title, stack: env.name, outputsFile: runFiles(ctx.runDir).outputs });
}

/** The inventory generator is helper code of this repository (lib/inventory-cli.ts), run as its own process. */
export function inventory(ctx: PlanContext, env: EnvironmentConfig): ExecStep {
  const files = runFiles(ctx.runDir);
  const args = ['--outputs', files.outputs, '--stack', env.name, '--out', files.inventory];
  return exec({
    ...{ name: 'inventory', title: `write the Ansible inventory for ${env.name}`, cwd: ctx.root },
    ...{ command: ctx.node, args: ['scripts/run-app.cjs', 'lib/inventory-cli.ts', ...args] },
    needs: [{ path: files.outputs, from: 'deploy' }],
  });
}

/**
 * `ansible-playbook playbooks/<playbook>` against the run folder's inventory, the way every play of the driver runs:
 * the deploy user and key, the environment's known_hosts, the project's ansible.cfg, the app vars (`-e @app-vars.json`),
 * then `vars` (more `-e` arguments).
 */
export function playbookStep(
  ctx: PlanContext,
  env: EnvironmentConfig,
  playbook: string,
  options: { readonly vars?: readonly string[]; readonly operator?: Operator } = {},
): ExecStep {
  const files = runFiles(ctx.runDir);
  const ansibleDir = join(ctx.root, 'ansible');
  return exec({
    ...{ name: 'hosts', title: `${playbook} on ${env.name} hosts`, cwd: ansibleDir, command: 'ansible-playbook' },
    args: [
      ...['-i', files.inventory, `playbooks/${playbook}`, '-e', `@${files.appVars}`, ...(options.vars ?? [])],
      ...['-u', env.ssh.user, '--private-key', env.ssh.privateKeyFile],
    ],
    env: {
      // Explicit, so the project's ansible.cfg applies even if ansible/ is world-writable (Ansible then ignores a cfg in cwd).
      ANSIBLE_CONFIG: join(ansibleDir, 'ansible.cfg'),
      // New hosts have unknown host keys: trust a key on first use (as docker-machine did), refuse a changed one,
      // and keep the keys per environment instead of in the operator's ~/.ssh/known_hosts.
      ANSIBLE_SSH_EXTRA_ARGS: `-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${knownHostsFile(dirname(ctx.runDir))}`,
    },
    writes: [{ path: files.appVars, content: jsonFile(appVars(env, options.operator)) }],
    needs: [{ path: files.inventory, from: 'inventory' }],
    failureOutput: 'output',
  });
}

/** site.yml on every host; `built`: the build step's image by digest (`-e @release-vars.json` overrides app_image). */
export function ansiblePlaybook(
  ctx: PlanContext,
  env: EnvironmentConfig,
  release: { readonly operator?: Operator; readonly built?: boolean } = {},
): ExecStep {
  const files = runFiles(ctx.runDir);
  const built = release.built === true;
  const vars = ['-e', `@${files.registryVars}`, ...(built ? ['-e', `@${files.releaseVars}`] : [])];
  const step = playbookStep(ctx, env, 'site.yml', { vars, operator: release.operator });
  const image = built ? `${env.app.image}@<digest the build step pushed>` : env.app.image;
  return {
    ...step,
    title: `configure ${env.name} hosts and run ${image}`,
    // docker_host_registry_hosts: the registry the hosts' credential helper answers for, as the registry stack says.
    derives: [
      {
        ...{ path: files.registryVars, type: 'registry-hosts', outputsFile: files.registryOutputs },
        ...{ stack: REGISTRY_STACK, environment: env.name },
      },
      ...(built ? [{ path: files.releaseVars, type: 'release-image' as const, releaseFile: files.release }] : []),
    ],
    needs: [
      ...(step.needs ?? []),
      { path: files.registryOutputs, from: 'registry' },
      ...(built ? [{ path: files.release, from: 'build' as const }] : []),
    ],
  };
}

export type CheckTiming = Pick<HttpCheckTask, 'deadlineMs' | 'attemptTimeoutMs' | 'intervalMs'>;

export const DEFAULT_CHECK_TIMING: CheckTiming = { deadlineMs: 120_000, attemptTimeoutMs: 5_000, intervalMs: 2_000 };

export function httpCheck(ctx: PlanContext, env: EnvironmentConfig, timing = DEFAULT_CHECK_TIMING): TaskStep {
  const outputsFile = runFiles(ctx.runDir).outputs;
  return {
    ...{
      kind: 'task',
      name: 'check',
      title:
        env.exposure === 'load-balancer'
          ? `check the app answers through ${env.name}'s load balancer (${env.app.healthCheckPath})`
          : `check the app answers on every ${env.name} host (port ${env.app.port})`,
    },
    task: { type: 'http-check', outputsFile, stack: env.name, path: env.app.healthCheckPath, ...timing },
    needs: [{ path: outputsFile, from: 'deploy' }],
  };
}

/** Applies the environment's saved destroy plan (`terraform plan -destroy`, shown and approved first). */
export function destroyEnvironment(ctx: PlanContext, env: EnvironmentConfig): TaskStep {
  const title = `destroy ${env.name} (hosts, firewall rules, service account)`;
  return applyStep(ctx, { name: 'destroy', title, stack: env.name });
}

/** `cdktf output <env> --outputs-file <file>`: how `env`/`status` read outputs when no run has left them. */
export function cdktfOutput(ctx: Pick<PlanContext, 'root' | 'cdktf'>, environment: string, outputsFile: string) {
  return {
    command: ctx.cdktf,
    args: ['output', environment, '--outputs-file', outputsFile],
    cwd: ctx.root,
    env: CDKTF_ENV,
  };
}
