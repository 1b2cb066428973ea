/**
 * Terraform's plan contract across two commands: `plan <env>` records, beside its saved plan files, what each plan
 * was made from (`saved-plans.json`: the synthesized config's hash, the provider versions locked, the Terraform
 * version, the state's serial and lineage, the plan file's hash); `up <env> --plan <run folder>` synthesizes and
 * reads all of that again, and applies exactly those files (copied into its run folder) only when every stack still matches.
 * Anything else is a StalePlanError: one line, "plan again", nothing applied.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { summarizePlan } from '../../review/plan/summary';
import { displayPath } from '../format';
import { planCalls, planFile, showCall, statePullCall } from '../plan/terraform';
import { INVOCATION } from '../usage';
import { stackDir } from '../paths';
import { backendConfigOf, isUnplanned, Planning, run, StackPlan, synth } from './stack-plans';

export const MANIFEST = 'saved-plans.json';

/** What one stack's saved plan was made from. */
interface Basis {
  readonly config: string;
  readonly providers: string | null;
  readonly terraform: string;
  readonly state: { readonly serial: number; readonly lineage: string } | null;
  readonly planFile: string;
}

type StackRecord =
  ({ readonly stack: string } & Basis) | { readonly stack: string; readonly why: string };

interface Manifest {
  readonly environment: string;
  readonly replace: string | null;
  readonly stacks: readonly StackRecord[];
}

/** The saved plans cannot be applied as they are: the message is one line and says to plan again. */
export class StalePlanError extends Error {
  override name = 'StalePlanError';
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * The providers a stack's lock file pins, `<source> <version>` a line: what its plan depends on. Not the file's hash:
 * the checksums it lists depend on where the provider came from (the registry, a mirror, the runs' shared cache).
 */
export function providerVersions(lockFile: string): string {
  const pins = readFileSync(lockFile, 'utf8').matchAll(
    /provider "([^"]+)" \{\s*version\s*=\s*"([^"]+)"/g,
  );
  return [...pins].map(([, source, version]) => `${source} ${version}`).join('\n');
}

/** The stack's state serial and lineage (`terraform state pull`); null for a stack with no state yet. */
async function stateOf(p: Planning, runDir: string, stack: string): Promise<Basis['state']> {
  const text = (await run(p, statePullCall(runDir, stack))).trim();
  if (text === '') return null;
  const { serial, lineage } = JSON.parse(text) as { serial?: unknown; lineage?: unknown };
  if (typeof serial !== 'number' || typeof lineage !== 'string')
    throw new SyntaxError(
      `terraform state pull of ${stack} printed a state without serial/lineage`,
    );
  return { serial, lineage };
}

/** The version of the Terraform that runs here (`terraform version`'s first line). */
async function terraformVersion(p: Planning): Promise<string> {
  const call = { command: 'terraform', args: ['version'], cwd: p.ctx.deps.root };
  const out = await run(p, call);
  return /Terraform v(\S+)/.exec(out)?.[1] ?? out.split('\n')[0];
}

/** What the stack's plan (the file `file`) is made from, read now in the run's synth output (`runDir`). */
async function basisOf(
  p: Planning,
  runDir: string,
  stack: string,
  file: string,
  tf: string,
): Promise<Basis> {
  const dir = stackDir(runDir, stack);
  const config = join(dir, 'cdk.tf.json');
  if (!existsSync(config)) throw new StalePlanError(`cdktf synth wrote no ${config}`);
  const lock = join(dir, '.terraform.lock.hcl');
  return {
    config: sha256(config),
    providers: existsSync(lock) ? providerVersions(lock) : null,
    terraform: tf,
    state: await stateOf(p, runDir, stack),
    planFile: sha256(file),
  };
}

/** `plan <env>`: writes saved-plans.json beside the plan files (after synth and every plan). */
export async function recordSavedPlans(
  p: Planning,
  runDir: string,
  plans: readonly StackPlan[],
): Promise<void> {
  const tf = await terraformVersion(p);
  const stacks: StackRecord[] = [];
  for (const plan of plans) {
    if (isUnplanned(plan)) stacks.push({ stack: plan.stack, why: plan.why });
    else
      stacks.push({
        stack: plan.stack,
        ...(await basisOf(p, runDir, plan.stack, planFile(runDir, plan.stack), tf)),
      });
  }
  const manifest: Manifest = {
    environment: p.ctx.env.name,
    replace: p.ctx.args.replace ?? null,
    stacks,
  };
  writeFileSync(join(runDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

function readManifest(p: Planning, dir: string): Manifest {
  const shown = displayPath(dir, p.ctx.deps.root);
  const file = join(dir, MANIFEST);
  if (!existsSync(file))
    throw new StalePlanError(
      `${shown} has no ${MANIFEST}: it is not a run folder of "plan ${p.ctx.env.name}"`,
    );
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (manifest.environment !== p.ctx.env.name)
    throw new StalePlanError(
      `${shown} holds plans of ${manifest.environment}, not of ${p.ctx.env.name}`,
    );
  return manifest;
}

/** What differs between the recorded basis and the present one, as short phrases. */
function differences(stack: string, was: Basis, now: Basis): string[] {
  const out: string[] = [];
  if (was.config !== now.config) out.push(`${stack}: the synthesized config changed`);
  if (was.providers !== now.providers) out.push(`${stack}: the provider versions changed`);
  if (was.terraform !== now.terraform)
    out.push(`Terraform is ${now.terraform}, the plan was made by ${was.terraform}`);
  const [a, b] = [was.state, now.state];
  if (a?.lineage !== b?.lineage)
    out.push(`${stack}: the state is another one (lineage ${a?.lineage} → ${b?.lineage})`);
  else if (a?.serial !== b?.serial)
    out.push(`${stack}: the state changed since the plan (serial ${a?.serial} → ${b?.serial})`);
  if (was.planFile !== now.planFile) out.push(`${stack}: the plan file is not the one recorded`);
  return out;
}

/**
 * `up <env> --plan <dir>`: after synth, checks every stack's saved plan against the present config, providers,
 * Terraform and state, copies the files into `runDir` (the applies read them there) and summarizes them again
 * (`terraform show -json` of the copy). Throws StalePlanError when anything differs.
 */
export async function loadSavedPlans(
  p: Planning,
  runDir: string,
  stacks: readonly string[],
): Promise<StackPlan[]> {
  const { ctx } = p;
  const given = ctx.args.savedPlan ?? '';
  const from = isAbsolute(given) ? given : resolve(ctx.deps.root, given);
  const manifest = readManifest(p, from);
  const again = `plan again: ${INVOCATION} plan ${ctx.env.name}`;
  await synth(p, runDir);
  const tf = await terraformVersion(p);
  const problems: string[] = [];
  for (const stack of stacks) {
    const record = manifest.stacks.find((s) => s.stack === stack);
    if (record === undefined || 'why' in record) {
      problems.push(`${stack} was not planned there${record ? ` (${record.why})` : ''}`);
      continue;
    }
    const file = planFile(from, stack);
    if (!existsSync(file)) {
      problems.push(`${stack}: ${stack}.tfplan is missing`);
      continue;
    }
    const backendConfig = backendConfigOf(ctx, stack);
    await run(p, planCalls(runDir, stack, { backendConfig }).init);
    problems.push(...differences(stack, record, await basisOf(p, runDir, stack, file, tf)));
  }
  if (problems.length > 0)
    throw new StalePlanError(
      `the saved plans in ${displayPath(from, ctx.deps.root)} are stale (${[...new Set(problems)].join('; ')}): nothing was applied; ${again}`,
    );
  const plans: StackPlan[] = [];
  for (const stack of stacks) {
    copyFileSync(planFile(from, stack), planFile(runDir, stack));
    const json = await run(p, showCall(runDir, stack, planFile(runDir, stack)));
    plans.push(summarizePlan(stack, JSON.parse(json) as unknown));
  }
  return plans;
}
