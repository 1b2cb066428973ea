import { Fixture } from '../terraform/fixtures';
import { assert, assertEqual } from '../terraform/harness';
import { SynthStack } from '../terraform/synth';
import { tail } from '../terraform/terraform';
import { planApply, terraformAsync, terraformAsyncOk } from './apply';
import { noChanges } from './checks';
import { DoubleContext } from './context';
import { prepare, stackOf } from './prepare';
import { Fault } from './server';
import { assertStateMatchesDouble } from './state';

/** A fault the provider retries: the apply succeeds after `fault.times` errors on the same request. */
interface RetriedCase {
  readonly name: string;
  readonly fault: Fault;
}

/** A fault the provider cannot retry: the apply fails with `error`, naming `address`. */
interface FailingCase {
  readonly name: string;
  readonly inject: (ctx: DoubleContext) => void;
  readonly error: RegExp;
  readonly address: string;
}

const RETRIED: readonly RetriedCase[] = [
  {
    name: 'a 500 on the address insert, twice',
    fault: {
      method: 'POST',
      pathIncludes: '/regions/europe-west1/addresses',
      status: 500,
      times: 2,
    },
  },
  {
    name: 'a 429 rateLimitExceeded on a firewall insert, twice',
    fault: {
      method: 'POST',
      pathIncludes: '/global/firewalls',
      status: 429,
      reason: 'rateLimitExceeded',
      times: 2,
    },
  },
];

const QUOTA = "Quota 'STATIC_ADDRESSES' exceeded.  Limit: 8.0 in region europe-west1.";

/** Every address insert in europe-west1 refused for quota, as Compute refuses it (403 quotaExceeded, not retried). */
export function addressQuotaFault(): Fault {
  const where = { method: 'POST', pathIncludes: '/regions/europe-west1/addresses' };
  return { ...where, status: 403, reason: 'quotaExceeded', message: QUOTA, times: 100 };
}

const ZONE =
  "The zone 'projects/acme-single/zones/europe-west1-b' does not have enough resources available to fulfill the request.";

const FAILING: readonly FailingCase[] = [
  {
    name: 'a 403 quotaExceeded on the address insert',
    inject: (ctx) => ctx.double.faults.push(addressQuotaFault()),
    error:
      /^Error: Error creating Address: googleapi: Error 403: Quota 'STATIC_ADDRESSES' exceeded/m,
    address: 'google_compute_address.fleet_docker-host-001_address',
  },
  {
    name: 'an instance insert whose operation ends in error',
    inject: (ctx) =>
      (ctx.double.operations.failure = {
        target: '/instances/',
        code: 'ZONE_RESOURCE_POOL_EXHAUSTED',
        message: ZONE,
      }),
    error:
      /^Error: The zone 'projects\/acme-single\/zones\/europe-west1-b' does not have enough resources/m,
    address: 'google_compute_instance.fleet_docker-host-001',
  },
];

/**
 * Faults on an apply from empty. Retried ones: the request log shows the errors, then the success, and the
 * state matches the double. Failing ones: the apply exits 1 naming the error and the resource, the state
 * holds exactly what was created, and the next apply converges. The stage is destroyed after each.
 */
export async function faultChecks(ctx: DoubleContext, fixture: Fixture): Promise<void> {
  const stacks = await prepare(ctx, fixture);
  await planApply(ctx.tf, stackOf(stacks, 'registry')); // no changes when the lifecycle checks ran first
  const stage = stackOf(stacks, 'stage');
  const project: string = stage.json.provider.google[0].project;
  const name = `${fixture.name}/stage`;
  for (const c of RETRIED) {
    await ctx.tally.check(
      `${name}: ${c.name} is retried by the provider and the apply succeeds`,
      () =>
        withCleanup(ctx, stage, async () => {
          const from = ctx.double.log.length;
          ctx.double.faults.push({ ...c.fault });
          await planApply(ctx.tf, stage);
          const statuses = ctx.double.log
            .slice(from)
            .filter((l) => l.method === c.fault.method && l.path.includes(c.fault.pathIncludes))
            .map((l) => l.status);
          assertEqual(
            statuses.slice(0, c.fault.times + 1),
            [...Array(c.fault.times).fill(c.fault.status), 200],
            c.name,
          );
          await assertStateMatchesDouble(ctx, stage, project);
        }),
    );
  }
  for (const c of FAILING) {
    await ctx.tally.check(`${name}: ${c.name} fails the apply naming it; the next converges`, () =>
      withCleanup(ctx, stage, () => failingCase(ctx, stage, project, c)),
    );
  }
}

async function failingCase(
  ctx: DoubleContext,
  stage: SynthStack,
  project: string,
  c: FailingCase,
): Promise<void> {
  c.inject(ctx);
  await terraformAsyncOk(ctx.tf, stage.dir, ['plan', '-input=false', '-out=fault.tfplan']);
  const failed = await terraformAsync(ctx.tf, stage.dir, ['apply', '-input=false', 'fault.tfplan']);
  assert(failed.code === 1, `apply exited ${failed.code}, expected 1:\n${tail(failed.output)}`);
  assert(c.error.test(failed.output), `no error line ${c.error}:\n${tail(failed.output)}`);
  assert(
    failed.output.includes(`with ${c.address},`),
    `the error does not name ${c.address}:\n${tail(failed.output)}`,
  );
  await assertStateMatchesDouble(ctx, stage, project);
  clearFaults(ctx);
  await planApply(ctx.tf, stage);
  await noChanges(ctx, stage);
  await assertStateMatchesDouble(ctx, stage, project);
}

/** Runs a fault case, then clears every fault and destroys the stage whatever happened. */
async function withCleanup(
  ctx: DoubleContext,
  stage: SynthStack,
  fn: () => Promise<void>,
): Promise<void> {
  try {
    await fn();
  } finally {
    clearFaults(ctx);
    await planApply(ctx.tf, stage, true);
  }
}

function clearFaults(ctx: DoubleContext): void {
  ctx.double.faults.length = 0;
  ctx.double.operations.failure = undefined;
}
