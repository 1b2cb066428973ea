import { RELEASE_METADATA_KEY } from '../../constructs/host-template';
import { Fixture, FIXTURE_RELEASE } from '../terraform/fixtures';
import { assert, assertEqual } from '../terraform/harness';
import { changes, releaseVar } from '../terraform/plan';
import { SynthStack } from '../terraform/synth';
import { planApply, terraformAsyncOk } from './apply';
import { noChanges } from './checks';
import { pathOf } from './operations';
import { DoubleContext } from './context';
import { prepare, stackOf } from './prepare';
import { assertStateMatchesDouble, environmentKeys } from './state';

/** The second release the rollout check moves the group to. */
const NEXT_RELEASE = `europe-west1-docker.pkg.dev/acme-managed/docker-hosts/app@sha256:${'cd34'.repeat(16)}`;

/**
 * A managed fleet's life against the double: registry and the environment applied from empty with a release, a
 * second plan with no changes, a new release that replaces the template (new before old) and updates the group in
 * place, then destroy down to nothing of the environment's.
 */
export async function managedChecks(
  ctx: DoubleContext,
  fixture: Fixture,
  envs: readonly string[],
): Promise<void> {
  const stacks = await prepare(ctx, fixture);
  for (const env of envs) await environmentLife(ctx, fixture, stacks, env);
}

async function environmentLife(
  ctx: DoubleContext,
  fixture: Fixture,
  stacks: SynthStack[],
  env: string,
): Promise<void> {
  const stack = stackOf(stacks, env);
  const project: string = stack.json.provider.google[0].project;
  const first = releaseVar(stack);
  const name = `${fixture.name}/${env}`;
  await ctx.tally.check(`${fixture.name}/registry and ${env}: apply from empty`, async () => {
    assertEqual(environmentKeys(ctx.double, project), [], 'the environment before the first apply');
    await planApply(ctx.tf, stackOf(stacks, 'registry'));
    await planApply(ctx.tf, stack, false, first);
    await assertStateMatchesDouble(ctx, stack, project);
    assertManagedShape(ctx, project, FIXTURE_RELEASE);
  });
  await ctx.tally.check(`${name}: a second plan shows no changes`, () =>
    noChanges(ctx, stack, first),
  );
  await ctx.tally.check(`${name}: a new release replaces the template and rolls the group`, () =>
    rollRelease(ctx, stack, project),
  );
  await ctx.tally.check(
    `${name}: destroy leaves none of the environment in the double`,
    async () => {
      await planApply(ctx.tf, stack, true, releaseVar(stack, NEXT_RELEASE));
      assertEqual(environmentKeys(ctx.double, project), [], 'the environment after destroy');
    },
  );
}

/** Plans the next release, checks what the plan would change, applies that plan and checks the double. */
async function rollRelease(ctx: DoubleContext, stack: SynthStack, project: string): Promise<void> {
  const vars = releaseVar(stack, NEXT_RELEASE);
  const groupBefore = the(ctx, project, 'instanceGroupManagers');
  const planFile = `${stack.dir}/release.tfplan`;
  await terraformAsyncOk(ctx.tf, stack.dir, ['plan', '-input=false', `-out=${planFile}`, ...vars]);
  const shown = JSON.parse(await terraformAsyncOk(ctx.tf, stack.dir, ['show', '-json', planFile]));
  const changed = Object.entries(changes(shown)).filter(([, actions]) => actions !== 'no-op');
  assertEqual(
    Object.fromEntries(changed),
    {
      'google_compute_region_instance_group_manager.managed-group': 'update',
      'google_compute_region_instance_template.host-template': 'create,delete',
    },
    'the changes a new release plans',
  );
  await terraformAsyncOk(ctx.tf, stack.dir, ['apply', '-input=false', planFile]);
  const group = the(ctx, project, 'instanceGroupManagers');
  assertEqual(group.id, groupBefore.id, 'the group after the release (updated in place, same id)');
  assertManagedShape(ctx, project, NEXT_RELEASE);
  await noChanges(ctx, stack, vars);
}

/**
 * The double holds one template carrying `release` in its metadata, one group on that template (max unavailable
 * 0, autohealing by the front door's health check) and one autoscaler of that group.
 */
function assertManagedShape(ctx: DoubleContext, project: string, release: string): void {
  const template = the(ctx, project, 'instanceTemplates');
  const items: { key: string; value: string }[] = template.properties?.metadata?.items ?? [];
  const metadata = items.find((i) => i.key === RELEASE_METADATA_KEY);
  assert(metadata, `the template has no ${RELEASE_METADATA_KEY} metadata`);
  assertEqual(JSON.parse(metadata.value).image, release, 'the release in the template');
  const group = the(ctx, project, 'instanceGroupManagers');
  assertEqual(
    group.versions.map((v: any) => v.instanceTemplate.split('/').pop()),
    [template.name],
    "the group's template",
  );
  assertEqual(group.updatePolicy?.maxUnavailable?.fixed, 0, "the group's max unavailable");
  const healing = group.autoHealingPolicies?.[0]?.healthCheck ?? '';
  assert(
    /\/global\/healthChecks\//.test(healing),
    `the group heals by no health check: ${healing}`,
  );
  const autoscaler = the(ctx, project, 'autoscalers');
  assertEqual(autoscaler.target.split('/').pop(), group.name, "the autoscaler's group");
  const backend = ctx.double.store
    .paths()
    .filter((p) => p.startsWith(`/compute/v1/projects/${project}/global/backendServices/`))
    .map((p) => ctx.double.store.get(p)!);
  assertEqual(
    backend.flatMap((b) => (b.backends ?? []).map((g: any) => pathOf(g.group))),
    [pathOf(group.instanceGroup)],
    "the front door's backends (the group's instance group)",
  );
}

/** The one resource of a regional collection in the project (fails on none or several). */
function the(ctx: DoubleContext, project: string, collection: string): Record<string, any> {
  const found = ctx.double.store
    .paths()
    .filter((p) => p.startsWith(`/compute/v1/projects/${project}/regions/`))
    .filter((p) => p.split('/').at(-2) === collection);
  assertEqual(found.length, 1, `${collection} in the double`);
  return ctx.double.store.get(found[0])!;
}
