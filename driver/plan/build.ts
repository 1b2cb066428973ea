/**
 * Pure plan builders: which steps `up` and `destroy` run, in which order, and why a step is skipped.
 */
import type { EnvironmentConfig } from '../../config';
import * as tools from './tools';
import type { CheckTiming, Operator, PlanContext, ReleaseInput } from './tools';
import { DESTROY_STEPS, REQUIREMENTS, UP_STEPS } from './steps';
import type {
  DestroyStepName,
  Plan,
  PreflightTask,
  Requirement,
  Step,
  StepName,
  UpStepName,
} from './steps';

/** The last image build that succeeded for an environment, as recorded in its run state. */
export interface ImageRecord {
  readonly hash: string;
  readonly projectId: string;
  readonly imageFamily: string;
  readonly builtAt: string;
}

interface UpOptions {
  readonly from?: UpStepName;
  readonly only?: UpStepName;
  /** --skip-image: use the family's latest image. */
  readonly skipImage?: boolean;
  /** --build-image: build even when nothing changed. */
  readonly buildImage?: boolean;
  /** What the image would be built from now, and the last successful build: equal → skip automatically. */
  readonly image?: { readonly currentHash: string; readonly lastBuild?: ImageRecord };
  readonly checkTiming?: CheckTiming;
  /** Who deploys which commit (the release records). */
  readonly operator?: Operator;
  /** The app image's build (needed when the environment has app.build). */
  readonly release?: ReleaseInput;
}

interface DestroyOptions {
  readonly from?: DestroyStepName;
  readonly only?: DestroyStepName;
}

const CLOUD = ['gcp-project', 'credentials'] as const;
const CDKTF = [...CLOUD, 'cdktf', 'terraform'] as const;

/** What each step needs to be there before anything starts, and the repository files it uses. */
const STEP_NEEDS: Record<
  StepName,
  { readonly requirements: readonly Requirement[]; readonly files: string[] }
> = {
  preflight: { requirements: ['config'], files: [] },
  'packer-init': { requirements: ['packer'], files: ['packer/'] },
  image: { requirements: [...CLOUD, 'packer'], files: ['packer/'] },
  backend: { requirements: CDKTF, files: ['main.ts'] },
  registry: { requirements: CDKTF, files: ['main.ts'] },
  deploy: { requirements: [...CDKTF, 'ssh-public-key'], files: ['main.ts'] },
  inventory: { requirements: [], files: [] },
  build: { requirements: ['docker'], files: [] },
  hosts: {
    requirements: ['ansible-playbook', 'ssh-private-key'],
    files: ['ansible/playbooks/site.yml'],
  },
  check: { requirements: [], files: [] },
  destroy: { requirements: CDKTF, files: ['main.ts'] },
};

/** A managed fleet's `hosts` step waits for the group with gcloud: no Ansible, no SSH key. */
const MANAGED_HOSTS_NEEDS = { requirements: [...CLOUD, 'gcloud'] as const, files: [] };

/**
 * What preflight checks before the given steps run. Hosts reached through IAP (`ssh.connectVia: 'iap'`)
 * also need the gcloud CLI, which Ansible's SSH ProxyCommand and Packer's IAP tunnel run.
 */
export function preflightTask(
  steps: readonly StepName[],
  connectVia: EnvironmentConfig['ssh']['connectVia'] = 'direct',
  fleet: EnvironmentConfig['fleet'] = 'fixed',
): PreflightTask {
  const needed = new Set<Requirement>(['config']);
  const files = new Set<string>();
  for (const name of steps) {
    const needs = fleet === 'managed' && name === 'hosts' ? MANAGED_HOSTS_NEEDS : STEP_NEEDS[name];
    needs.requirements.forEach((r) => needed.add(r));
    needs.files.forEach((f) => files.add(f));
  }
  // Ansible's ProxyCommand and Packer's use_iap both run `gcloud compute start-iap-tunnel`.
  if (
    connectVia === 'iap' &&
    ['hosts', 'image', 'build'].some((s) => steps.includes(s as StepName))
  ) {
    needed.add('gcloud');
  }
  return {
    type: 'preflight',
    requirements: REQUIREMENTS.filter((r) => needed.has(r)),
    files: [...files],
  };
}

type Skips = Map<StepName, string>;

/** Marks the steps --from/--only leave out (preflight is not among them: it is cheap and guards what follows). */
function select<N extends StepName>(
  steps: readonly Step[],
  order: readonly N[],
  from?: N,
  only?: N,
) {
  const skips: Skips = new Map();
  for (const { name } of steps) {
    if (only !== undefined && name !== only) skips.set(name, `not selected (--only ${only})`);
    else if (from !== undefined && order.indexOf(name as N) < order.indexOf(from))
      skips.set(name, `before --from ${from}`);
  }
  return skips;
}

/** The plan: a preflight for the steps that will run, then every step, the skipped ones marked. */
function assemble(
  command: Plan['command'],
  env: EnvironmentConfig,
  runDir: string,
  work: Step[],
  skips: Skips,
): Plan {
  const selected = work.filter((s) => !skips.has(s.name)).map((s) => s.name);
  const task = preflightTask(selected, env.ssh.connectVia, env.fleet);
  const preflight: Step = { kind: 'task', name: 'preflight', title: 'check prerequisites', task };
  const steps = [preflight, ...work].map((step) =>
    skips.has(step.name) ? { ...step, skip: skips.get(step.name) } : step,
  );
  return { command, environment: env.name, runDir, steps };
}

/**
 * Why the image steps do not run, if they do not: --skip-image, or the image's sources are unchanged since the last
 * build that succeeded for the same target, unless the image is asked for (--build-image, or by name: --only image,
 * --from packer-init).
 */
function imageSkip(env: EnvironmentConfig, options: UpOptions): string | undefined {
  if (options.skipImage) return '--skip-image: hosts boot from the latest image of the family';
  const last = options.image?.lastBuild;
  const askedFor =
    options.buildImage ||
    [options.only, options.from].some((s) => s === 'packer-init' || s === 'image');
  if (last === undefined || askedFor || last.hash !== options.image?.currentHash) return undefined;
  if (last.projectId !== env.projectId || last.imageFamily !== env.imageFamily) return undefined;
  return (
    `the image's sources (packer/, the Ansible it runs) are unchanged since the image built ${last.builtAt} ` +
    `(source ${last.hash.slice(0, 12)}); --build-image rebuilds it`
  );
}

/** `up`: preflight → image → backend → registry → environment → inventory → hosts → check. */
export function buildUpPlan(
  env: EnvironmentConfig,
  ctx: PlanContext,
  options: UpOptions = {},
): Plan {
  const work: Step[] =
    env.fleet === 'managed' ? managedWork(env, ctx, options) : fixedWork(env, ctx, options);
  const skips = select(work, UP_STEPS, options.from, options.only);
  if (env.fleet === 'managed' && options.only !== 'build')
    skips.set(
      'build',
      `a managed fleet's release is built before its up: build ${env.name} --local`,
    );
  const image = imageSkip(env, options);
  for (const name of ['packer-init', 'image'] as const)
    if (image && !skips.has(name)) skips.set(name, image);
  // `packer build` needs the plugins `packer init` installs: whenever the image is built, init runs first (it is
  // idempotent and takes a second), also with --from image or --only image on a machine that never ran it.
  if (!skips.has('image')) skips.delete('packer-init');
  return assemble('up', env, ctx.runDir, work, skips);
}

/**
 * A managed fleet: the image (with the release unit), the applies (the environment's plan carries the release),
 * then Google rolls the group: wait until it is stable, and check the front door. No inventory, no Ansible.
 */
function managedWork(env: EnvironmentConfig, ctx: PlanContext, options: UpOptions): Step[] {
  return [
    ...imageAndShared(env, ctx, options),
    ...(env.app.build === undefined ? [] : [managedBuild(env, ctx, options)]),
    tools.applyStep(ctx, env, 'deploy'),
    tools.managedWait(ctx, env),
    tools.httpCheck(ctx, env, options.checkTiming ?? tools.DEFAULT_CHECK_TIMING),
  ];
}

/**
 * A managed fleet's app image (app.build) is built with the local Docker (there is no host of its own to build on)
 * and only with `--only build` (`build <env>`): its digest is what the next `up` plans with.
 */
function managedBuild(env: EnvironmentConfig, ctx: PlanContext, options: UpOptions): Step {
  const release = options.release === undefined ? undefined : { ...options.release, local: true };
  const step = tools.releaseBuild(ctx, env, release);
  return { ...step, needs: step.needs?.filter((n) => n.from === 'registry') };
}

/** What both fleet kinds start with: the image, then the project-wide stacks (state buckets, registry). */
function imageAndShared(env: EnvironmentConfig, ctx: PlanContext, options: UpOptions): Step[] {
  return [
    tools.packerInit(ctx),
    tools.packerBuild(ctx, env, options.image?.currentHash),
    tools.applyStep(ctx, env, 'backend'),
    tools.applyStep(ctx, env, 'registry'),
  ];
}

function fixedWork(env: EnvironmentConfig, ctx: PlanContext, options: UpOptions): Step[] {
  return [
    ...imageAndShared(env, ctx, options),
    tools.applyStep(ctx, env, 'deploy'),
    tools.inventory(ctx, env),
    ...(env.app.build === undefined ? [] : [tools.releaseBuild(ctx, env, options.release)]),
    tools.ansiblePlaybook(ctx, env, {
      operator: options.operator,
      built: env.app.build !== undefined,
    }),
    tools.httpCheck(ctx, env, options.checkTiming ?? tools.DEFAULT_CHECK_TIMING),
  ];
}

/**
 * `destroy`: the environment's stack (its read grant on the registry goes with it), never the registry nor the
 * backend (why: docs/architecture.md).
 */
export function buildDestroyPlan(
  env: EnvironmentConfig,
  ctx: PlanContext,
  options: DestroyOptions = {},
): Plan {
  const work: Step[] = [tools.applyStep(ctx, env, 'destroy')];
  return assemble(
    'destroy',
    env,
    ctx.runDir,
    work,
    select(work, DESTROY_STEPS, options.from, options.only),
  );
}
