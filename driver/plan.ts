/**
 * Pure plan builders: which steps `up` and `destroy` run, in which order, and why a step is skipped.
 */
import { statePrefix, type EnvironmentConfig, type ProjectConfig } from '../config';
import { INVOCATION } from './args';
import {
  ansiblePlaybook,
  BACKEND_STACK,
  cdktfDeployBackend,
  cdktfDeployEnvironment,
  cdktfDestroyBackend,
  cdktfDestroyEnvironment,
  CheckTiming,
  DEFAULT_CHECK_TIMING,
  httpCheck,
  inventory,
  packerBuild,
  packerInit,
  PlanContext,
} from './commands';
import {
  DESTROY_STEPS,
  DestroyStepName,
  Plan,
  PlannedStep,
  PreflightTask,
  Requirement,
  Step,
  StepName,
  UP_STEPS,
  UpStepName,
} from './steps';

/** The last image build that succeeded for an environment, as recorded in its run state. */
export interface ImageRecord {
  readonly hash: string;
  readonly projectId: string;
  readonly imageFamily: string;
  readonly builtAt: string;
}

export interface UpOptions {
  readonly from?: UpStepName;
  readonly only?: UpStepName;
  /** --skip-image: use the family's latest image. */
  readonly skipImage?: boolean;
  /** --build-image: build even when nothing changed. */
  readonly buildImage?: boolean;
  /** What the image would be built from now, and the last successful build: equal → skip automatically. */
  readonly image?: { readonly currentHash: string; readonly lastBuild?: ImageRecord };
  readonly checkTiming?: CheckTiming;
}

export interface DestroyOptions {
  readonly from?: DestroyStepName;
  readonly only?: DestroyStepName;
  readonly includeBackend?: boolean;
}

/** What each step needs to be there before anything starts. */
const STEP_REQUIREMENTS: Record<StepName, readonly Requirement[]> = {
  preflight: ['config'],
  'packer-init': ['packer'],
  image: ['gcp-project', 'credentials', 'packer'],
  backend: ['gcp-project', 'credentials', 'cdktf', 'terraform'],
  deploy: ['gcp-project', 'credentials', 'cdktf', 'terraform', 'ssh-public-key'],
  inventory: [],
  hosts: ['ansible-playbook', 'ssh-private-key'],
  check: [],
  destroy: ['gcp-project', 'credentials', 'cdktf', 'terraform'],
  'destroy-backend': ['gcp-project', 'credentials', 'cdktf', 'terraform'],
};

/** Repository files each step uses. */
const STEP_FILES: Record<StepName, readonly string[]> = {
  preflight: [],
  'packer-init': ['packer/'],
  image: ['packer/'],
  backend: ['main.ts'],
  deploy: ['main.ts'],
  inventory: ['lib/inventory-cli.ts'],
  hosts: ['ansible/playbooks/site.yml'],
  check: [],
  destroy: ['main.ts'],
  'destroy-backend': ['main.ts'],
};

const REQUIREMENT_ORDER: readonly Requirement[] = [
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
];

/**
 * What preflight checks before the given steps run. Hosts reached through IAP (`ssh.connectVia: 'iap'`)
 * also need the gcloud CLI, which Ansible's SSH ProxyCommand and Packer's IAP tunnel run.
 */
export function preflightTask(
  steps: readonly StepName[],
  connectVia: EnvironmentConfig['ssh']['connectVia'] = 'direct',
): PreflightTask {
  const needed = new Set<Requirement>(['config']);
  const files = new Set<string>();
  for (const name of steps) {
    STEP_REQUIREMENTS[name].forEach((r) => needed.add(r));
    STEP_FILES[name].forEach((f) => files.add(f));
  }
  // Ansible's ProxyCommand and Packer's use_iap both run `gcloud compute start-iap-tunnel`.
  if (connectVia === 'iap' && (steps.includes('hosts') || steps.includes('image'))) needed.add('gcloud');
  return { type: 'preflight', requirements: REQUIREMENT_ORDER.filter((r) => needed.has(r)), files: [...files] };
}

function preflightStep(selected: readonly Step[], env: EnvironmentConfig): Step {
  return {
    kind: 'task',
    name: 'preflight',
    title: 'check prerequisites',
    task: preflightTask(
      selected.map((s) => s.name),
      env.ssh.connectVia,
    ),
  };
}

/** Marks the steps --from/--only leave out. Preflight always runs: it is cheap and guards what follows. */
function select<N extends StepName>(
  steps: readonly Step[],
  order: readonly N[],
  from: N | undefined,
  only: N | undefined,
): Map<StepName, string> {
  const skips = new Map<StepName, string>();
  for (const step of steps) {
    if (step.name === 'preflight') continue;
    if (only !== undefined && step.name !== only) skips.set(step.name, `not selected (--only ${only})`);
    else if (from !== undefined && order.indexOf(step.name as N) < order.indexOf(from)) {
      skips.set(step.name, `before --from ${from}`);
    }
  }
  return skips;
}

function assemble(
  command: Plan['command'],
  env: EnvironmentConfig,
  ctx: PlanContext,
  work: readonly Step[],
  skips: Map<StepName, string>,
): Plan {
  const selected = work.filter((s) => !skips.has(s.name));
  const steps: PlannedStep[] = [preflightStep(selected, env), ...work].map((step) =>
    skips.has(step.name) ? { ...step, skip: skips.get(step.name) } : step,
  );
  return { command, environment: env.name, runDir: ctx.runDir, steps };
}

/** Why the image build can be skipped without asking: same inputs, same target, and that build succeeded. */
export function imageUnchanged(env: EnvironmentConfig, image: UpOptions['image']): ImageRecord | undefined {
  const last = image?.lastBuild;
  if (last === undefined) return undefined;
  const same =
    last.hash === image?.currentHash && last.projectId === env.projectId && last.imageFamily === env.imageFamily;
  return same ? last : undefined;
}

/** `up`: preflight → image → backend → environment → inventory → hosts → check. */
export function buildUpPlan(env: EnvironmentConfig, ctx: PlanContext, options: UpOptions = {}): Plan {
  const work: Step[] = [
    packerInit(ctx),
    packerBuild(ctx, env, options.image?.currentHash),
    cdktfDeployBackend(ctx),
    cdktfDeployEnvironment(ctx, env),
    inventory(ctx, env),
    ansiblePlaybook(ctx, env),
    httpCheck(ctx, env, options.checkTiming ?? DEFAULT_CHECK_TIMING),
  ];
  const skips = select(work, UP_STEPS, options.from, options.only);
  const imageSteps: StepName[] = ['packer-init', 'image'];
  // Asking for an image step by name (--only image, --from packer-init) builds it whatever the state says.
  const imageAskedFor = [options.only, options.from].some((s) => s !== undefined && imageSteps.includes(s));
  const unchanged = imageUnchanged(env, options.image);
  for (const name of imageSteps) {
    if (skips.has(name)) continue;
    if (options.skipImage) skips.set(name, '--skip-image: hosts boot from the latest image of the family');
    else if (unchanged !== undefined && !options.buildImage && !imageAskedFor) {
      skips.set(
        name,
        `the image's sources (packer/, the Ansible it runs) are unchanged since the image built ${unchanged.builtAt} ` +
          `(source ${unchanged.hash.slice(0, 12)}); --build-image rebuilds it`,
      );
    }
  }
  // `packer build` needs the plugins `packer init` installs: whenever the image is built, init runs first (it is
  // idempotent and takes a second), also with --from image or --only image on a machine that never ran it.
  if (!skips.has('image')) skips.delete('packer-init');
  return assemble('up', env, ctx, work, skips);
}

/**
 * Why `destroy --include-backend` is refused before anything runs, and what to do instead. The destroy-backend step
 * can never succeed: the state bucket has Terraform prevent_destroy (constructs/state-bucket.ts) and force_destroy
 * off, and it holds the state of every environment, so the driver does not try.
 */
export function includeBackendRefusal(project: ProjectConfig): string[] {
  const buckets = new Map<string, EnvironmentConfig[]>();
  for (const env of project.environments) {
    buckets.set(env.state.bucket, [...(buckets.get(env.state.bucket) ?? []), env]);
  }
  const names = [...buckets.keys()];
  const gs = names.map((b) => `gs://${b}`).join(', ');
  const lines = [
    `--include-backend is refused: the driver does not destroy the state backend.`,
    `It would destroy the backend stack: the Terraform state ${names.length === 1 ? 'bucket' : 'buckets'} ${gs}.`,
    `${names.length === 1 ? 'That bucket is' : 'They are'} protected by design: lifecycle prevent_destroy in constructs/state-bucket.ts ` +
      `(and force_destroy off), so \`cdktf destroy backend\` would fail; and ${names.length === 1 ? 'it holds' : 'they hold'} ` +
      `the Terraform state of every environment:`,
    ...[...buckets].flatMap(([bucket, envs]) =>
      envs.map((e) => `  ${e.name}: gs://${bucket}/${e.state.prefix} (project ${e.projectId})`),
    ),
  ];
  if (project.backendState === 'gcs') {
    const bucket = project.environments[0].state.bucket;
    lines.push(
      `  and the backend stack's own state: gs://${bucket}/${statePrefix(BACKEND_STACK)} (backendState: 'gcs')`,
    );
  }
  const steps = [
    `destroy every environment: ${project.environments.map((e) => `${INVOCATION} destroy ${e.name}`).join('; ')}`,
    ...(project.backendState === 'gcs'
      ? [
          "move the backend stack's state out of the bucket: set backendState: 'local' in config/environments.ts, " +
            'then npx cdktf deploy backend --migrate-state',
        ]
      : []),
    `empty the ${names.length === 1 ? 'bucket' : 'buckets'}: ${names.map((b) => `gcloud storage rm --recursive 'gs://${b}/**'`).join('; ')}`,
    'remove `lifecycle: { preventDestroy: true }` in constructs/state-bucket.ts',
    'npx cdktf destroy backend',
  ];
  lines.push('To remove it on purpose, by hand:', ...steps.map((s, i) => `  ${i + 1}. ${s}`));
  return lines;
}

/** `destroy`: the environment; its state backend only when explicitly included. */
export function buildDestroyPlan(env: EnvironmentConfig, ctx: PlanContext, options: DestroyOptions = {}): Plan {
  const work: Step[] = [cdktfDestroyEnvironment(ctx, env), cdktfDestroyBackend(ctx)];
  const skips = select(work, DESTROY_STEPS, options.from, options.only);
  if (!options.includeBackend && !skips.has('destroy-backend')) {
    skips.set(
      'destroy-backend',
      "the backend holds every environment's Terraform state: removed by hand only (--include-backend says how)",
    );
  }
  return assemble('destroy', env, ctx, work, skips);
}
