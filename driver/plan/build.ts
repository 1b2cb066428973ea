/**
 * Pure plan builders: which steps `up` and `destroy` run, in which order, and why a step is skipped.
 */
import type { EnvironmentConfig } from '../../config';
import {
  ansiblePlaybook,
  applyBackend,
  applyEnvironment,
  applyRegistry,
  destroyEnvironment,
  CheckTiming,
  DEFAULT_CHECK_TIMING,
  httpCheck,
  inventory,
  packerBuild,
  packerInit,
  Operator,
  PlanContext,
} from './tools';
import { releaseBuild, ReleaseInput } from './release';
import {
  DESTROY_STEPS,
  DestroyStepName,
  Plan,
  PlannedStep,
  PreflightTask,
  Requirement,
  REQUIREMENTS,
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
const STEP_NEEDS: Record<StepName, { readonly requirements: readonly Requirement[]; readonly files: string[] }> = {
  preflight: { requirements: ['config'], files: [] },
  'packer-init': { requirements: ['packer'], files: ['packer/'] },
  image: { requirements: [...CLOUD, 'packer'], files: ['packer/'] },
  backend: { requirements: CDKTF, files: ['main.ts'] },
  registry: { requirements: CDKTF, files: ['main.ts'] },
  deploy: { requirements: [...CDKTF, 'ssh-public-key'], files: ['main.ts'] },
  inventory: { requirements: [], files: ['lib/inventory-cli.ts'] },
  build: { requirements: ['docker'], files: [] },
  hosts: { requirements: ['ansible-playbook', 'ssh-private-key'], files: ['ansible/playbooks/site.yml'] },
  check: { requirements: [], files: [] },
  destroy: { requirements: CDKTF, files: ['main.ts'] },
};

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
    STEP_NEEDS[name].requirements.forEach((r) => needed.add(r));
    STEP_NEEDS[name].files.forEach((f) => files.add(f));
  }
  // Ansible's ProxyCommand and Packer's use_iap both run `gcloud compute start-iap-tunnel`.
  if (connectVia === 'iap' && ['hosts', 'image', 'build'].some((s) => steps.includes(s as StepName))) {
    needed.add('gcloud');
  }
  return { type: 'preflight', requirements: REQUIREMENTS.filter((r) => needed.has(r)), files: [...files] };
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
function imageUnchanged(env: EnvironmentConfig, image: UpOptions['image']): ImageRecord | undefined {
  const last = image?.lastBuild;
  if (last === undefined) return undefined;
  const same =
    last.hash === image?.currentHash && last.projectId === env.projectId && last.imageFamily === env.imageFamily;
  return same ? last : undefined;
}

/** The build step, for an environment with app.build (no step at all otherwise). */
function buildSteps(ctx: PlanContext, env: EnvironmentConfig, release: ReleaseInput | undefined): Step[] {
  if (env.app.build === undefined) return [];
  if (release === undefined) throw new Error(`buildUpPlan: ${env.name} has app.build but no release input`);
  return [releaseBuild(ctx, env, release)];
}

/** `up`: preflight → image → backend → registry → environment → inventory → hosts → check. */
export function buildUpPlan(env: EnvironmentConfig, ctx: PlanContext, options: UpOptions = {}): Plan {
  const work: Step[] = [
    packerInit(ctx),
    packerBuild(ctx, env, options.image?.currentHash),
    applyBackend(ctx),
    applyRegistry(ctx),
    applyEnvironment(ctx, env),
    inventory(ctx, env),
    ...buildSteps(ctx, env, options.release),
    ansiblePlaybook(ctx, env, { operator: options.operator, built: env.app.build !== undefined }),
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
 * `destroy`: the environment's stack, never the registry: it is the project's (every environment pulls from it, and
 * prod deploys the very digest stage tested); the environment's read grant on it goes with the environment's stack.
 */
export function buildDestroyPlan(env: EnvironmentConfig, ctx: PlanContext, options: DestroyOptions = {}): Plan {
  const work: Step[] = [destroyEnvironment(ctx, env)];
  return assemble('destroy', env, ctx, work, select(work, DESTROY_STEPS, options.from, options.only));
}
