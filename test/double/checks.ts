import { Fixture } from '../terraform/fixtures';
import { assert, assertEqual } from '../terraform/harness';
import { SynthStack } from '../terraform/synth';
import { tail } from '../terraform/terraform';
import { planApply, planExit } from './apply';
import { DoubleContext } from './context';
import { prepare, stackOf } from './prepare';
import { assertStateMatchesDouble, environmentKeys } from './state';

/**
 * One fixture's whole life against the double: registry and stage applied from empty, a second plan with
 * no changes, a label changed in place, then the stage destroyed down to nothing of the environment's.
 */
export async function lifecycleChecks(ctx: DoubleContext, fixture: Fixture): Promise<void> {
  const stacks = await prepare(ctx, fixture);
  const project: string = stackOf(stacks, 'stage').json.provider.google[0].project;
  const stage = stackOf(stacks, 'stage');
  const name = `${fixture.name}/stage`;
  await ctx.tally.check(`${fixture.name}/registry and stage: apply from empty`, async () => {
    assertEqual(
      environmentKeys(ctx.double, project),
      [],
      'the environment in the double before the first apply',
    );
    await planApply(ctx.tf, stackOf(stacks, 'registry'));
    await planApply(ctx.tf, stage);
    assert(
      environmentKeys(ctx.double, project).length > 0,
      'the double holds none of the environment after apply',
    );
    await assertStateMatchesDouble(ctx, stage, project);
  });
  await ctx.tally.check(`${name}: a second plan shows no changes`, () => noChanges(ctx, stage));
  await ctx.tally.check(`${name}: a label added in the config updates in place`, async () => {
    const relabelled = await prepare(ctx, withLabel(fixture));
    const changed = stackOf(relabelled, 'stage');
    const plan = await planExit(ctx.tf, changed);
    assert(plan.code === 2, `plan exited ${plan.code}, expected 2:\n${tail(plan.output)}`);
    assert(
      /updated in-place/.test(plan.output) && !/must be replaced|destroyed/.test(plan.output),
      tail(plan.output),
    );
    await planApply(ctx.tf, changed);
    assertEqual(
      instanceLabels(ctx, project, 'tier'),
      ['double'],
      "the label on the double's instances",
    );
    await noChanges(ctx, changed);
  });
  await ctx.tally.check(
    `${name}: destroy leaves none of the environment in the double`,
    async () => {
      await planApply(ctx.tf, stage, true);
      assertEqual(
        environmentKeys(ctx.double, project),
        [],
        'the environment in the double after destroy',
      );
    },
  );
}

/** Fails listing every path the double did not serve. */
export async function unknownPathCheck(ctx: DoubleContext): Promise<void> {
  await ctx.tally.check('the double served every request (no unknown path)', () => {
    assertEqual([...new Set(ctx.double.unknown)], [], 'unknown paths');
  });
}

export async function noChanges(
  ctx: DoubleContext,
  stack: SynthStack,
  vars: readonly string[] = [],
): Promise<void> {
  const plan = await planExit(ctx.tf, stack, vars);
  assert(
    plan.code === 0,
    `plan exited ${plan.code}, expected 0 (no changes):\n${tail(plan.output, 60)}`,
  );
}

/** The value of one label on each of the project's instances in the double. */
function instanceLabels(ctx: DoubleContext, project: string, label: string): string[] {
  return ctx.double.store
    .paths()
    .filter(
      (p) => p.startsWith(`/compute/v1/projects/${project}/zones/`) && p.includes('/instances/'),
    )
    .map((p) => ctx.double.store.get(p)?.labels?.[label]);
}

function withLabel(fixture: Fixture): Fixture {
  const environments = fixture.spec.environments.map((e) => ({
    ...e,
    labels: { ...e.labels, tier: 'double' },
  }));
  return { name: `${fixture.name}-relabelled`, spec: { ...fixture.spec, environments } };
}
