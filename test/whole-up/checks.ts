import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual } from '../terraform/harness';
import { tail } from '../terraform/terraform';
import { addressQuotaFault } from '../double/fault-checks';
import { environmentKeys, stateKeys } from '../double/state';
import { REAL_PROJECT } from '../driver-real/setup';
import { lastRun, locksReleased, stateMatches, UP, WholeUp, writeRequests } from './context';
import { driver } from './driver';
import { appAnswers, recapChanged } from './hosts';

const BUCKET = `${REAL_PROJECT}-tfstate`;

/** The lines of an `up` that configured the hosts and checked the app on each. */
export const CONFIGURED = /configure stage hosts and run test-app:good ok/;
export const CHECKED = /check the app answers on every stage host \(port 9292\) ok/;

/**
 * `up stage` from nothing: the first applies the backend (the state bucket) and stops before the stacks whose
 * state it holds; the next (after one refused for quota) applies registry and stage from their reviewed plans,
 * reads the outputs, writes the inventory, configures the host and checks the app. Then `plan stage` shows no
 * changes, and another `up` changes nothing, at Google nor on the host.
 */
export async function upChecks(t: WholeUp): Promise<void> {
  await t.tally.check(
    'up stage #1: the backend applied, the stacks in its bucket left for the next up',
    async () => {
      const first = await driver(t, UP);
      assert(first.code === 0, `exit ${first.code}, expected 0:\n${tail(first.out, 40)}`);
      assert(first.out.includes('run up again once the backend is applied'), tail(first.out, 40));
      await t.gcs.list(BUCKET); // throws when the bucket is not there
      assertEqual(environmentKeys(t.double, REAL_PROJECT), [], 'the environment in the double');
      locksReleased(t);
    },
  );
  await t.tally.check(
    'up stage #2, the address insert refused for quota: one line, state as created',
    () => quotaUp(t),
  );
  await t.tally.check(
    'up stage #3: registry and stage applied, outputs read, inventory written, host configured, app checked',
    () => convergingUp(t),
  );
  await t.tally.check('plan stage after up: no changes', async () => {
    const plan = await driver(t, ['plan', 'stage']);
    assert(plan.code === 0, `exit ${plan.code}:\n${tail(plan.out, 40)}`);
    for (const stack of ['backend', 'registry', 'stage'])
      assert(
        plan.out.includes(`${stack}: no changes`),
        `no "${stack}: no changes" in:\n${tail(plan.out, 40)}`,
      );
  });
  await t.tally.check(
    'up stage again: no write request reached Google, the host unchanged (changed=0), app checked',
    async () => {
      const from = t.double.log.length;
      const again = await driver(t, UP);
      assert(again.code === 0, `exit ${again.code}, expected 0:\n${tail(again.out, 40)}`);
      assert(CHECKED.test(again.out), `no ${CHECKED} in:\n${tail(again.out, 40)}`);
      assertEqual(writeRequests(t, from), [], 'the write requests of a second up');
      assertEqual(recapChanged(lastRun(t)), { 'docker-host-001': 0 }, "the hosts step's changes");
    },
  );
}

/**
 * An `up` whose address insert gets a 403 quotaExceeded: exit 1 at the deploy step, with one line naming the
 * resource and Compute's message, the resume line; the locks released; the state holds what was created.
 */
async function quotaUp(t: WholeUp): Promise<void> {
  t.double.faults.push(addressQuotaFault());
  try {
    const up = await driver(t, UP);
    assert(up.code === 1, `exit ${up.code}, expected 1:\n${tail(up.out, 40)}`);
    const lines = [
      /apply registry \(the Docker repository of the project\) ok/,
      /failed: google_compute_address\.fleet_docker-host-001_address: .*Error 403: Quota 'STATIC_ADDRESSES' exceeded/,
      /resume: {4}npx docker-hosts up stage --from deploy --skip-image/,
    ];
    for (const line of lines) assert(line.test(up.out), `no ${line} in:\n${tail(up.out, 40)}`);
    const state = await stateKeys(t.tf, join(lastRun(t), 'cdktf.out', 'stacks', 'stage'));
    assert(state.length > 0, 'nothing of stage was created before the address failed');
    assertEqual(
      state,
      environmentKeys(t.double, REAL_PROJECT),
      'the stage state against the double',
    );
    locksReleased(t);
  } finally {
    t.double.faults.length = 0;
  }
}

/** The next `up`: everything, from the registry to the app's check on the host the double's outputs name. */
async function convergingUp(t: WholeUp): Promise<void> {
  const second = await driver(t, UP);
  assert(second.code === 0, `exit ${second.code}, expected 0:\n${tail(second.out, 40)}`);
  const lines = [
    /apply registry \(the Docker repository of the project\) ok/,
    /apply stage \(1 host\) ok/,
    /write the Ansible inventory for stage ok/,
    CONFIGURED,
    CHECKED,
  ];
  for (const line of lines)
    assert(line.test(second.out), `no ${line} in:\n${tail(second.out, 40)}`);
  const run = lastRun(t);
  const outputs = JSON.parse(readFileSync(join(run, 'outputs.json'), 'utf8'));
  const address = hostAddress(t);
  assertEqual(address, t.hosts.ips.get('docker-host-001'), "the host's external address");
  assert(JSON.stringify(outputs).includes(address), `outputs.json does not hold ${address}`);
  const inventory = readFileSync(join(run, 'inventory.yml'), 'utf8');
  assert(inventory.includes(`ansible_host: "${address}"`), `inventory.yml:\n${inventory}`);
  await appAnswers(address);
  await stateMatches(t);
  locksReleased(t);
}

/** `destroy stage --yes`: none of the environment left in the double; the registry and the state bucket stay. */
export async function destroyChecks(t: WholeUp): Promise<void> {
  await t.tally.check(
    'destroy stage: none of the environment left; registry and state bucket stay',
    async () => {
      const count = (await stateKeys(t.tf, join(lastRun(t), 'cdktf.out', 'stacks', 'stage')))
        .length;
      const destroyed = await driver(t, ['destroy', 'stage', '--yes']);
      assert(
        destroyed.code === 0,
        `exit ${destroyed.code}, expected 0:\n${tail(destroyed.out, 40)}`,
      );
      assertEqual(
        environmentKeys(t.double, REAL_PROJECT),
        [],
        'the environment in the double after destroy',
      );
      const repos = t.double.store
        .paths()
        .filter((p) => /^\/ar\/v1\/.*\/repositories\/[^/:]+$/.test(p));
      assert(repos.length === 1, `the registry's repository: ${repos.join(', ')}`);
      assert((await t.gcs.list(BUCKET)).length > 0, 'the state bucket holds no state');
      const summary = `stage: 0 to add, 0 to change, 0 to replace, ${count} to destroy`;
      assert(destroyed.out.includes(summary), `no "${summary}" in:\n${tail(destroyed.out, 40)}`);
      locksReleased(t);
    },
  );
}

/** The external address the double gave stage's one host. */
function hostAddress(t: WholeUp): string {
  const paths = t.double.store
    .paths()
    .filter((p) => p.includes(`/projects/${REAL_PROJECT}/regions/`) && p.includes('/addresses/'));
  assert(paths.length === 1, `addresses in the double: ${paths.join(', ')}`);
  return t.double.store.get(paths[0])?.address;
}
