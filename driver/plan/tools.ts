/**
 * Pure builders of the steps: one function per command the driver runs or task it does in-process, and the files
 * it hands to them. Nothing here touches the disk or the environment; tests check the exact argv for every environment.
 */
import { dirname, join } from 'node:path';
import type { EnvironmentConfig, SecretConfig, VolumeConfig } from '../../config';
import { BACKEND_STACK, DEFAULT_DEPLOY_USER, REGISTRY_STACK } from '../../lib/constants';
import type { ExecStep, HttpCheckTask, ReleaseBuildTask, StepHint, TaskStep } from './steps';
import { applyCall, outputCall } from './terraform';
import { knownHostsFile } from '../paths';
import { managedGroupName } from '../../stacks/managed-outputs';
import { waitStableCall } from '../managed/gcloud';
import { loginAnsible } from '../fleet/ssh-route';

/** Where things are, for one run (absolute paths), and the cdktf and node executables. */
export interface PlanContext {
  readonly root: string;
  readonly runDir: string;
  readonly cdktf: string;
  readonly node: string;
}

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
    project_id: env.projectId,
    zone: env.zone,
    image_family: env.imageFamily,
    source_image_family: env.sourceImageFamily,
    source_image_project: env.sourceImageProject,
    // Packer logs in as `packer` while it builds (not the deploy user, which the hosts get at boot).
    machine_type: env.machineType,
    ssh_username: 'packer',
    // An OS Login user exists only through NSS on the live hosts: the image keeps the local default.
    deploy_user: env.ssh.osLogin ? DEFAULT_DEPLOY_USER : env.ssh.user,
    image_labels: Object.fromEntries(
      Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    // The build VM lives where the hosts live, and is reached the way the hosts are (IAP needs gcloud).
    network: env.network,
    use_iap: env.ssh.connectVia === 'iap',
    // A managed fleet's hosts serve their release from instance metadata at boot (the docker_host role's unit).
    ...(env.fleet === 'managed' ? { release_unit: true } : {}),
  };
}

/** Who deploys which commit: the release records' `who` and `commit` (driver/git.ts reads them). */
export interface Operator {
  readonly who: string;
  readonly commit: string;
}

/**
 * A value Ansible must take as it is, never as a Jinja template (git's user.email is anyone's text): the JSON form of
 * YAML's `!unsafe`, which Ansible's JSON loader reads for `-e @file` and `-e '{...}'` alike.
 */
export function ansibleUnsafe(text: string): { readonly __ansible_unsafe: string } {
  return { __ansible_unsafe: text };
}

/**
 * The rolling swap of site.yml and rollback.yml: Ansible's list form of `serial`, the canary alone, then batches
 * (the last entry repeats until every host is done).
 */
export function appSerial(env: EnvironmentConfig): readonly (number | string)[] {
  return [env.rollout.canary, env.rollout.batch];
}

/**
 * Ansible's forks: one per host of the environment, so that no parallel play (configure, pull, a batch of the swap,
 * status) waits for a free fork; Ansible's default of 5 would cap each at 5 hosts.
 */
export function ansibleForks(env: EnvironmentConfig): number {
  return env.hostCount;
}

/** A secret as the Ansible roles take it (contract: `app_secrets`). */
function secretVars(secrets: readonly SecretConfig[]) {
  return secrets.map((s) => ({ name: s.name, secret: s.secret, version: s.version }));
}

/** Volumes as the Ansible roles take them (contract: `app_volumes`). */
function volumeVars(volumes: readonly VolumeConfig[]) {
  return volumes.map((v) => ({ source: v.source, target: v.target, read_only: v.readOnly }));
}

/**
 * The app's data and the accessories, as site.yml takes them: env values, secrets by id (never a value: the host
 * reads them from Secret Manager), volumes, and each accessory on its host.
 */
export function dataVars(env: EnvironmentConfig) {
  const accessories = env.accessories.map((a) => [
    a.name,
    {
      image: a.image,
      port: a.port ?? null,
      env: a.env,
      secrets: secretVars(a.secrets),
      volumes: volumeVars(a.volumes),
      host: a.host,
    },
  ]);
  return {
    app_env: env.app.env,
    app_secrets: secretVars(env.app.secrets),
    app_secrets_project: env.projectId,
    app_volumes: volumeVars(env.app.volumes),
    accessories: Object.fromEntries(accessories),
  };
}

/** Extra vars for site.yml (`-e @app-vars.json`). */
export function appVars(env: EnvironmentConfig, operator?: Operator) {
  const { image, port, containerName, healthCheckPath } = env.app;
  const release = operator && {
    app_release_who: ansibleUnsafe(operator.who),
    app_release_commit: operator.commit,
  };
  // app_health_path: where the on-host proxy and the app answer health checks; the load balancer asks for it too.
  const vars = {
    app_image: image,
    app_port: port,
    app_container_name: containerName,
    deploy_user: env.ssh.user,
    app_serial: appSerial(env),
  };
  return { ...vars, app_health_path: healthCheckPath, ...dataVars(env), ...release };
}

/** Stable, reviewable JSON for generated files. */
function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

type Exec = Omit<ExecStep, 'kind' | 'env' | 'failureOutput'> &
  Partial<Pick<ExecStep, 'env' | 'failureOutput'>>;

/** An exec step; by default it adds no environment and explains a failure from its stderr. */
function exec(step: Exec): ExecStep {
  return { kind: 'exec', env: {}, failureOutput: 'stderr', ...step };
}

export function packerInit(ctx: PlanContext): ExecStep {
  const step = { name: 'packer-init', title: 'install Packer plugins', cwd: ctx.root } as const;
  return exec({ ...step, command: 'packer', args: ['init', 'packer/'] });
}

export function packerBuild(
  ctx: PlanContext,
  env: EnvironmentConfig,
  sourceHash?: string,
): ExecStep {
  const { pkrvars } = runFiles(ctx.runDir);
  return exec({
    name: 'image',
    title: `build image ${env.imageFamily} in ${env.projectId}`,
    cwd: ctx.root,
    command: 'packer',
    args: ['build', `-var-file=${pkrvars}`, 'packer/'],
    failureOutput: 'output',
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

type ApplyStepName = 'backend' | 'registry' | 'deploy' | 'destroy';

/**
 * Applies a stack's saved plan (made, shown and approved before the run: review/up-review.ts), then writes its
 * outputs file. The registry (the project's Docker repository) comes after the backend (its state is in the bucket)
 * and before the environment, whose stack grants the hosts read access on it; `destroy` applies a destroy plan.
 */
export function applyStep(ctx: PlanContext, env: EnvironmentConfig, name: ApplyStepName): TaskStep {
  const files = runFiles(ctx.runDir);
  const hosts = `${env.hostCount} ${env.hostCount === 1 ? 'host' : 'hosts'}`;
  const which: Record<
    ApplyStepName,
    { title: string; stack: string; outputsFile?: string; hint?: StepHint }
  > = {
    backend: {
      title: 'apply backend (state buckets)',
      stack: BACKEND_STACK,
      hint: BACKEND_EXISTS_HINT,
    },
    registry: {
      title: 'apply registry (the Docker repository of the project)',
      stack: REGISTRY_STACK,
      outputsFile: files.registryOutputs,
    },
    deploy: { title: `apply ${env.name} (${hosts})`, stack: env.name, outputsFile: files.outputs },
    destroy: {
      title: `destroy ${env.name} (hosts, firewall rules, service account)`,
      stack: env.name,
    },
  };
  const { title, stack, outputsFile, hint } = which[name];
  const output =
    outputsFile === undefined ? {} : { output: outputCall(ctx.runDir, stack), outputsFile };
  const apply = applyCall(ctx.runDir, stack);
  return {
    kind: 'task',
    name,
    title,
    task: { type: 'terraform-apply', stack, apply, ...output, ...(hint && { hint }) },
  };
}

/** The inventory, in process: the same parse and render as `npm run inventory` (driver/inventory/). */
export function inventory(ctx: PlanContext, env: EnvironmentConfig): TaskStep {
  const files = runFiles(ctx.runDir);
  return {
    kind: 'task',
    name: 'inventory',
    title: `write the Ansible inventory for ${env.name}`,
    task: { type: 'inventory', outputsFile: files.outputs, stack: env.name, out: files.inventory },
    needs: [{ path: files.outputs, from: 'deploy' }],
  };
}

/**
 * `ansible-playbook playbooks/<playbook>` against the run folder's inventory, the way every play of the driver runs:
 * the deploy user and key, one fork per host, the environment's known_hosts, the project's ansible.cfg, the app vars
 * (`-e @app-vars.json`, with the rollout's `app_serial`), then `vars` (more `-e` arguments).
 */
export function playbookStep(
  ctx: PlanContext,
  env: EnvironmentConfig,
  playbook: string,
  options: { readonly vars?: readonly string[]; readonly operator?: Operator } = {},
): ExecStep {
  const files = runFiles(ctx.runDir);
  const ansibleDir = join(ctx.root, 'ansible');
  const login = loginAnsible(env.ssh.user, {
    privateKeyFile: env.ssh.privateKeyFile,
    knownHosts: knownHostsFile(dirname(ctx.runDir)),
  });
  return exec({
    name: 'hosts',
    title: `${playbook} on ${env.name} hosts`,
    cwd: ansibleDir,
    command: 'ansible-playbook',
    args: [
      '-i',
      files.inventory,
      `playbooks/${playbook}`,
      '-e',
      `@${files.appVars}`,
      ...(options.vars ?? []),
      ...login.options,
      '--forks',
      String(ansibleForks(env)),
    ],
    env: {
      // Explicit, so the project's ansible.cfg applies even if ansible/ is world-writable (Ansible then ignores a cfg in cwd).
      ANSIBLE_CONFIG: join(ansibleDir, 'ansible.cfg'),
      // New hosts have unknown host keys: trust a key on first use (as docker-machine did), refuse a changed one,
      // and keep the keys per environment instead of in the operator's ~/.ssh/known_hosts.
      ANSIBLE_SSH_EXTRA_ARGS: login.extraArgs,
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
        path: files.registryVars,
        type: 'registry-hosts',
        outputsFile: files.registryOutputs,
        stack: REGISTRY_STACK,
        environment: env.name,
      },
      ...(built
        ? [{ path: files.releaseVars, type: 'release-image' as const, releaseFile: files.release }]
        : []),
    ],
    needs: [
      ...(step.needs ?? []),
      { path: files.registryOutputs, from: 'registry' },
      ...(built ? [{ path: files.release, from: 'build' as const }] : []),
    ],
  };
}

/**
 * A managed fleet's `hosts` step: no Ansible; `gcloud … wait-until --stable` on the regional group until every host
 * runs the new template, healthy (the rollout Google does), at most the autohealing delay plus 15 minutes.
 */
export function managedWait(ctx: PlanContext, env: EnvironmentConfig): ExecStep {
  const managed = env.managed;
  if (managed === undefined) throw new Error(`managedWait: ${env.name} is not a managed fleet`);
  const group = { group: managedGroupName(env.name), region: env.region, project: env.projectId };
  const call = waitStableCall(group, managed.initialDelaySec + 900);
  return exec({
    name: 'hosts',
    title: `wait until ${group.group} is stable (every host on the new template, healthy)`,
    cwd: ctx.root,
    ...call,
  });
}

export type CheckTiming = Pick<HttpCheckTask, 'deadlineMs' | 'attemptTimeoutMs' | 'intervalMs'>;

export const DEFAULT_CHECK_TIMING: CheckTiming = {
  deadlineMs: 120_000,
  attemptTimeoutMs: 5_000,
  intervalMs: 2_000,
};

export function httpCheck(
  ctx: PlanContext,
  env: EnvironmentConfig,
  timing = DEFAULT_CHECK_TIMING,
): TaskStep {
  const outputsFile = runFiles(ctx.runDir).outputs;
  const title =
    env.exposure === 'load-balancer'
      ? `check the app answers through ${env.name}'s load balancer (${env.app.healthCheckPath})`
      : `check the app answers on every ${env.name} host (port ${env.app.port})`;
  const task = {
    type: 'http-check',
    outputsFile,
    stack: env.name,
    path: env.app.healthCheckPath,
    ...timing,
  } as const;
  return {
    kind: 'task',
    name: 'check',
    title,
    task,
    needs: [{ path: outputsFile, from: 'deploy' }],
  };
}

/** What the build is made from: the commit, its tag (`-dirty` allowed or not was decided before), where it builds. */
export interface ReleaseInput {
  readonly commit: string;
  readonly tag: string;
  readonly local: boolean;
}

export function releaseBuild(
  ctx: PlanContext,
  env: EnvironmentConfig,
  input: ReleaseInput | undefined,
): TaskStep {
  const build = env.app.build;
  if (build === undefined || input === undefined)
    throw new Error(`releaseBuild: ${env.name} needs app.build and a release input`);
  const files = runFiles(ctx.runDir);
  const where = input.local ? 'with the local Docker' : `on ${env.name}'s first host over SSH`;
  const task: ReleaseBuildTask = {
    type: 'release-build',
    environment: env.name,
    outputsFile: files.outputs,
    registryOutputsFile: files.registryOutputs,
    registryStack: REGISTRY_STACK,
    build,
    commit: input.commit,
    tag: input.tag,
    local: input.local,
    cwd: ctx.root,
    releaseFile: files.release,
    ssh: {
      privateKeyFile: env.ssh.privateKeyFile,
      knownHosts: knownHostsFile(dirname(ctx.runDir)),
    },
    wrapperDir: join(ctx.runDir, 'bin'),
  };
  return {
    kind: 'task',
    name: 'build',
    title: `build ${build.name}:${input.tag} ${where} and push it`,
    task,
    needs: [
      { path: files.outputs, from: 'deploy' },
      { path: files.registryOutputs, from: 'registry' },
    ],
  };
}

/** `cdktf output <env> --outputs-file <file>`: how `env`/`status` read outputs when no run has left them. */
export function cdktfOutput(
  ctx: Pick<PlanContext, 'root' | 'cdktf'>,
  environment: string,
  outputsFile: string,
) {
  const args = ['output', environment, '--outputs-file', outputsFile];
  // No telemetry or update checks, offline and in CI.
  return { command: ctx.cdktf, args, cwd: ctx.root, env: { CHECKPOINT_DISABLE: '1' } };
}
