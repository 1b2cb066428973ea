/**
 * Pure builders: one function per external command the driver runs, and the files it hands to them.
 * Nothing here touches the disk or the environment; tests check the exact argv for every environment.
 */
import { dirname, join } from 'node:path';
import type { EnvironmentConfig } from '../../config';
import { BACKEND_STACK, DEFAULT_DEPLOY_USER, HOST_ROLE, roleLabels } from '../../lib/constants';
import type { ExecStep, HttpCheckTask, StepHint, StepName } from './steps';

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
export const CDKTF_ENV: Readonly<Record<string, string>> = Object.freeze({ CHECKPOINT_DISABLE: '1' });

/** The user Packer logs in as while it builds the image (not the deploy user, which the hosts get at boot). */
export const PACKER_SSH_USERNAME = 'packer';

/** Files a run writes and reads, inside its run folder. */
export function runFiles(runDir: string) {
  return {
    pkrvars: join(runDir, 'image.pkrvars.json'),
    outputs: join(runDir, 'outputs.json'),
    inventory: join(runDir, 'inventory.yml'),
    appVars: join(runDir, 'app-vars.json'),
    logs: join(runDir, 'logs'),
  };
}

/** Variables of the Packer template (packer/), from the environment's config: one source of truth. */
export interface PackerVars {
  readonly project_id: string;
  readonly zone: string;
  readonly image_family: string;
  readonly source_image_family: string;
  readonly source_image_project: string;
  readonly machine_type: string;
  readonly ssh_username: string;
  readonly deploy_user: string;
  readonly image_labels: Readonly<Record<string, string>>;
  readonly network: string;
  readonly use_iap: boolean;
}

/**
 * The `-var-file` for `packer build`. `sourceHash` (see image-hash.ts) labels the image with what it was built
 * from, so an operator can tell which commit of packer/ + the docker_host role an image came from.
 */
export function packerVars(env: EnvironmentConfig, sourceHash?: string): PackerVars {
  const labels: Record<string, string> = { ...env.labels, ...roleLabels(HOST_ROLE, 'packer') };
  if (sourceHash !== undefined) labels['source-hash'] = sourceHash.slice(0, 16);
  return {
    project_id: env.projectId,
    zone: env.zone,
    image_family: env.imageFamily,
    source_image_family: env.sourceImageFamily,
    source_image_project: env.sourceImageProject,
    machine_type: env.machineType,
    ssh_username: PACKER_SSH_USERNAME,
    // An OS Login user exists only through NSS on the live hosts: the image keeps the local default.
    deploy_user: env.ssh.osLogin ? DEFAULT_DEPLOY_USER : env.ssh.user,
    image_labels: sortKeys(labels),
    // The build VM lives where the hosts live, and is reached the way the hosts are (IAP needs gcloud).
    network: env.network,
    use_iap: env.ssh.connectVia === 'iap',
  };
}

/** Extra vars for site.yml (`-e @app-vars.json`). */
export interface AppVars {
  readonly app_image: string;
  readonly app_port: number;
  readonly app_container_name: string;
  readonly deploy_user: string;
}

export function appVars(env: EnvironmentConfig): AppVars {
  return {
    app_image: env.app.image,
    app_port: env.app.port,
    app_container_name: env.app.containerName,
    deploy_user: env.ssh.user,
  };
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Stable, reviewable JSON for generated files. */
export function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function packerInit(ctx: PlanContext): ExecStep {
  return {
    kind: 'exec',
    name: 'packer-init',
    title: 'install Packer plugins',
    command: 'packer',
    args: ['init', 'packer/'],
    cwd: ctx.root,
    env: {},
    failureOutput: 'stderr',
  };
}

export function packerBuild(ctx: PlanContext, env: EnvironmentConfig, sourceHash?: string): ExecStep {
  const files = runFiles(ctx.runDir);
  return {
    kind: 'exec',
    name: 'image',
    title: `build image ${env.imageFamily} in ${env.projectId}`,
    command: 'packer',
    args: ['build', `-var-file=${files.pkrvars}`, 'packer/'],
    cwd: ctx.root,
    env: {},
    writes: [{ path: files.pkrvars, content: jsonFile(packerVars(env, sourceHash)) }],
    failureOutput: 'output',
  };
}

/** A cdktf CLI call, run from the repository root without telemetry. */
function cdktfStep(ctx: PlanContext, name: StepName, title: string, args: readonly string[]): ExecStep {
  return {
    kind: 'exec',
    name,
    title,
    command: ctx.cdktf,
    args,
    cwd: ctx.root,
    env: CDKTF_ENV,
    // cdktf relays Terraform's error messages on stdout; its stderr is mostly log noise.
    failureOutput: 'output',
    sharesProjectState: true,
  };
}

/**
 * The backend stack's state is local by default (./backend.tfstate, backendState: 'local'): on another clone, or
 * after that file was lost, Terraform tries to create the buckets again and GCS answers 409.
 */
export const BACKEND_EXISTS_HINT: StepHint = {
  match: /\b409\b|already exists|You already own this bucket/i,
  text:
    'the state bucket exists, but this clone has no backend state (./backend.tfstate, backendState: "local"): ' +
    "set backendState: 'gcs' in config/environments.ts (the backend's state then lives in the bucket; possible once " +
    'the first deploy made it), or copy backend.tfstate from the machine that created the bucket into the repository root',
};

export function cdktfDeployBackend(ctx: PlanContext): ExecStep {
  return {
    ...cdktfStep(ctx, 'backend', 'deploy backend (state buckets)', ['deploy', BACKEND_STACK, '--auto-approve']),
    hints: [BACKEND_EXISTS_HINT],
  };
}

export function cdktfDeployEnvironment(ctx: PlanContext, env: EnvironmentConfig): ExecStep {
  return cdktfStep(ctx, 'deploy', `deploy ${env.name} (${env.hostCount} ${env.hostCount === 1 ? 'host' : 'hosts'})`, [
    'deploy',
    env.name,
    '--auto-approve',
    '--outputs-file',
    runFiles(ctx.runDir).outputs,
  ]);
}

/** The inventory generator is helper code of this repository (lib/inventory-cli.ts), run as its own process. */
export function inventory(ctx: PlanContext, env: EnvironmentConfig): ExecStep {
  const files = runFiles(ctx.runDir);
  return {
    kind: 'exec',
    name: 'inventory',
    title: `write the Ansible inventory for ${env.name}`,
    command: ctx.node,
    args: [
      'scripts/run-app.cjs',
      'lib/inventory-cli.ts',
      '--outputs',
      files.outputs,
      '--stack',
      env.name,
      '--out',
      files.inventory,
    ],
    cwd: ctx.root,
    env: {},
    needs: [{ path: files.outputs, from: 'deploy' }],
    failureOutput: 'stderr',
  };
}

/** The environment's SSH host keys, kept across runs: `.run/<env>/known_hosts`. */
export function knownHostsFile(ctx: PlanContext): string {
  return join(dirname(ctx.runDir), 'known_hosts');
}

export function ansiblePlaybook(ctx: PlanContext, env: EnvironmentConfig): ExecStep {
  const files = runFiles(ctx.runDir);
  const ansibleDir = join(ctx.root, 'ansible');
  return {
    kind: 'exec',
    name: 'hosts',
    title: `configure ${env.name} hosts and run ${env.app.image}`,
    command: 'ansible-playbook',
    args: [
      '-i',
      files.inventory,
      'playbooks/site.yml',
      '-e',
      `@${files.appVars}`,
      '-u',
      env.ssh.user,
      '--private-key',
      env.ssh.privateKeyFile,
    ],
    cwd: ansibleDir,
    env: {
      // Explicit, so the project's ansible.cfg applies even if ansible/ is world-writable (Ansible then ignores a cfg in cwd).
      ANSIBLE_CONFIG: join(ansibleDir, 'ansible.cfg'),
      // New hosts have unknown host keys: trust a key on first use (as docker-machine did), refuse a changed one,
      // and keep the keys per environment instead of in the operator's ~/.ssh/known_hosts.
      ANSIBLE_SSH_EXTRA_ARGS: `-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${knownHostsFile(ctx)}`,
    },
    writes: [{ path: files.appVars, content: jsonFile(appVars(env)) }],
    needs: [{ path: files.inventory, from: 'inventory' }],
    failureOutput: 'output',
  };
}

export interface CheckTiming {
  readonly deadlineMs: number;
  readonly attemptTimeoutMs: number;
  readonly intervalMs: number;
}

export const DEFAULT_CHECK_TIMING: CheckTiming = { deadlineMs: 120_000, attemptTimeoutMs: 5_000, intervalMs: 2_000 };

export function httpCheck(ctx: PlanContext, env: EnvironmentConfig, timing: CheckTiming = DEFAULT_CHECK_TIMING) {
  const outputsFile = runFiles(ctx.runDir).outputs;
  const task: HttpCheckTask = {
    type: 'http-check',
    outputsFile,
    stack: env.name,
    path: '/',
    ...timing,
  };
  return {
    kind: 'task' as const,
    name: 'check' as const,
    title: `check the app answers on every ${env.name} host (port ${env.app.port})`,
    task,
    needs: [{ path: outputsFile, from: 'deploy' as const }],
  };
}

export function cdktfDestroyEnvironment(ctx: PlanContext, env: EnvironmentConfig): ExecStep {
  return cdktfStep(ctx, 'destroy', `destroy ${env.name} (hosts, firewall rules, service account)`, [
    'destroy',
    env.name,
    '--auto-approve',
  ]);
}

/** A command without a place in a plan. */
export type CommandSpec = Pick<ExecStep, 'command' | 'args' | 'cwd' | 'env'>;

/** `cdktf output <env> --outputs-file <file>`: how `env`/`status` read outputs when no run has left them. */
export function cdktfOutput(
  ctx: Pick<PlanContext, 'root' | 'cdktf'>,
  environment: string,
  outputsFile: string,
): CommandSpec {
  return {
    command: ctx.cdktf,
    args: ['output', environment, '--outputs-file', outputsFile],
    cwd: ctx.root,
    env: CDKTF_ENV,
  };
}
