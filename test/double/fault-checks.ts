import { Fixture } from '../terraform/fixtures';
import { assert } from '../terraform/harness';
import { tail } from '../terraform/terraform';
import { planApply, terraformAsync, terraformAsyncOk } from './apply';
import { noChanges } from './checks';
import { DoubleContext } from './context';
import { prepare, stackOf } from './prepare';

interface FaultCase {
  readonly name: string;
  /** The resource address terraform must name. */
  readonly address: RegExp;
  readonly inject: (ctx: DoubleContext) => void;
}

const CASES: readonly FaultCase[] = [
  {
    name: 'a 500 on the address insert',
    address: /google_compute_address\./,
    inject: (ctx) => ctx.double.faults.push({ method: 'POST', pathIncludes: '/addresses', status: 500, times: 20 }),
  },
  {
    name: 'a 429 on a firewall insert',
    address: /google_compute_firewall\./,
    inject: (ctx) => ctx.double.faults.push({ method: 'POST', pathIncludes: '/firewalls', status: 429, times: 20 }),
  },
  {
    name: 'an instance insert whose operation ends in error',
    address: /google_compute_instance\./,
    inject: (ctx) =>
      (ctx.double.operations.failure = { target: '/instances/', message: 'ZONE_RESOURCE_POOL_EXHAUSTED' }),
  },
];

/** Each fault: the apply fails naming the resource, the next apply converges, then the stage is destroyed. */
export async function faultChecks(ctx: DoubleContext, fixture: Fixture): Promise<void> {
  const stage = stackOf(await prepare(ctx, fixture), 'stage');
  for (const fault of CASES) {
    await ctx.tally.check(
      `${fixture.name}/stage: ${fault.name} fails the apply naming it; the next converges`,
      async () => {
        fault.inject(ctx);
        await terraformAsyncOk(ctx.tf, stage.dir, ['plan', '-input=false', '-out=fault.tfplan']);
        const failed = await terraformAsync(ctx.tf, stage.dir, ['apply', '-input=false', 'fault.tfplan']);
        assert(failed.code === 1, `apply exited ${failed.code}, expected 1:\n${tail(failed.output)}`);
        assert(fault.address.test(failed.output), `the error does not name ${fault.address}:\n${tail(failed.output)}`);
        ctx.double.faults.length = 0;
        await planApply(ctx.tf, stage);
        await noChanges(ctx, stage);
        await planApply(ctx.tf, stage, true);
      },
    );
  }
}
