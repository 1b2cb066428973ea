/**
 * `destroy <env>`: the environment's stack (hosts, firewall rules, service account, its read grant on the registry),
 * after a confirmation. Never the registry stack: one Docker repository serves every environment of a GCP project
 * (prod deploys the digest stage tested, and a rollback needs the older images), so destroying stage must not take
 * prod's images; it is project infrastructure, like the state backend, and removed by hand (`cdktf destroy registry`)
 * once no environment is left. Never the state backend: `--include-backend` is refused up front with what it would destroy and how to do it by
 * hand (the state bucket has prevent_destroy and holds every environment's state).
 */
import { statePrefix, type EnvironmentConfig, type ProjectConfig } from '../../config';
import { BACKEND_STACK } from '../../lib/constants';
import { INVOCATION } from '../usage';
import { EnvContext, printError } from '../context';
import { EXIT_USAGE } from '../exit-codes';
import { buildDestroyPlan } from '../plan/build';
import { DestroyStepName, PlannedStep } from '../plan/steps';
import { updateState } from '../state';
import { chooseRunDir, dryRun, runLocked } from './run';
import { reviewUp } from './up-review';

/** Why `destroy --include-backend` is refused before anything runs: what it would destroy, and the way by hand. */
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

export async function destroyCommand(ctx: EnvContext): Promise<number> {
  const { args, env } = ctx;
  const runDir = chooseRunDir(ctx);
  const plan = buildDestroyPlan(
    env,
    { root: ctx.deps.root, runDir: runDir.dir, cdktf: ctx.cdktf, node: process.execPath },
    { from: args.from as DestroyStepName | undefined, only: args.only as DestroyStepName | undefined },
  );
  const refusal = args.includeBackend ? includeBackendRefusal(ctx.project) : undefined;
  if (args.dryRun) return dryRun(ctx, plan, runDir.resumed, refusal);
  if (refusal !== undefined) {
    printError(ctx, `${refusal.join('\n')}\nNothing was run.`);
    return EXIT_USAGE;
  }
  // The destroy plan is shown first; destroying hosts needs the environment's name typed, or --yes without a terminal.
  // Once the stack is gone, its outputs describe nothing: env and status read afresh (and fail) from then on.
  const forget = (step: PlannedStep) => {
    if (step.name !== 'destroy') return;
    updateState(ctx.runBase, env.name, ({ lastOutputs: _gone, ...rest }) => rest);
  };
  return runLocked(ctx, plan, runDir.resumed, forget, (p) => reviewUp(ctx, p));
}
