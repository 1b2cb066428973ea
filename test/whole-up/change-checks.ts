import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentSpec, ProjectSpec } from '../../config';
import { environmentsTs } from '../fixtures/repo';
import { assert, assertEqual } from '../terraform/harness';
import { tail } from '../terraform/terraform';
import { environmentKeys } from '../double/state';
import { GOOGLE_REQUEST_TIMEOUT } from '../../stacks/google-provider';
import { REAL_PROJECT } from '../driver-real/setup';
import { lastRun, locksReleased, stateMatches, UP, WholeUp } from './context';
import { CHECKED, CONFIGURED } from './checks';
import { driver } from './driver';
import { appAnswers, recapChanged } from './hosts';

/**
 * Changes through the same `up`: hostCount 1 → 2 adds a host (applied, in the inventory, configured, its app
 * checked); then a zone change, which replaces both hosts (the same machines, under new instance ids), needs
 * the environment's name typed at the prompt: `y` is refused with nothing applied, `stage` applies it.
 */
export async function changeChecks(t: WholeUp): Promise<void> {
  writeConfig(t, { hostCount: 2 });
  await t.tally.check(
    'up stage with hostCount 2, the instance insert hanging: Ctrl-C stops it, exit 130',
    () => hangingUp(t),
  );
  await t.tally.check(
    'up stage with hostCount 2 again: the second host added, configured and checked; the first unchanged',
    () => secondHostUp(t),
  );
  await t.tally.check(
    'up stage with a new zone (both hosts replaced): "y" refused, nothing applied',
    async () => {
      writeConfig(t, { hostCount: 2, zone: 'europe-west1-c' });
      const before = environmentKeys(t.double, REAL_PROJECT);
      const refused = await driver(t, ['up', 'stage', '--skip-image'], 'y');
      assert(refused.code === 4, `exit ${refused.code}, expected 4:\n${tail(refused.out, 40)}`);
      const lines = [
        /must be replaced|REPLACE/,
        /Type the environment name/,
        /not approved \(the answer was not "stage"\)/,
      ];
      for (const line of lines)
        assert(line.test(refused.out), `no ${line} in:\n${tail(refused.out, 60)}`);
      assertEqual(environmentKeys(t.double, REAL_PROJECT), before, 'the environment in the double');
      locksReleased(t);
    },
  );
  await t.tally.check(
    'up stage with a new zone, "stage" typed: both hosts replaced in the new zone',
    async () => {
      const approved = await driver(t, ['up', 'stage', '--skip-image'], 'stage');
      assert(approved.code === 0, `exit ${approved.code}, expected 0:\n${tail(approved.out, 40)}`);
      assert(CHECKED.test(approved.out), `no ${CHECKED} in:\n${tail(approved.out, 40)}`);
      const zones = instancePaths(t).map((p) => p.split('/')[6]);
      assertEqual(
        zones,
        ['europe-west1-c', 'europe-west1-c'],
        "the instances' zones in the double",
      );
      await stateMatches(t);
      locksReleased(t);
    },
  );
}

/** hostCount 2 after the interrupted up: the second instance created, both hosts in the inventory, site.yml. */
async function secondHostUp(t: WholeUp): Promise<void> {
  const up = await driver(t, UP);
  assert(up.code === 0, `exit ${up.code}, expected 0:\n${tail(up.out, 40)}`);
  const lines = [
    /stage: 1 to add, 0 to change, 0 to replace, 0 to destroy/,
    /apply stage \(2 hosts\) ok/,
    CONFIGURED,
    CHECKED,
  ];
  for (const line of lines) assert(line.test(up.out), `no ${line} in:\n${tail(up.out, 60)}`);
  const inventory = readFileSync(join(lastRun(t), 'inventory.yml'), 'utf8');
  const second = t.hosts.ips.get('docker-host-002') ?? '';
  assert(
    /docker-host-001:/.test(inventory) && inventory.includes(`ansible_host: "${second}"`),
    `inventory.yml:\n${inventory}`,
  );
  const changed = recapChanged(lastRun(t));
  assert(
    changed['docker-host-001'] === 0 && changed['docker-host-002'] > 0,
    `changed= by host (the new one configured, the first untouched): ${JSON.stringify(changed)}`,
  );
  await appAnswers(second);
  await stateMatches(t);
}

/**
 * The second host's instance insert never answered; one SIGINT once the double has it: the driver forwards it,
 * Terraform stops once the request times out (the provider's request_timeout, GOOGLE_REQUEST_TIMEOUT: it does
 * not cancel a request on stop) and saves the state, exit 130 with the resume line, both locks released, and
 * the state holds exactly what was created (the second host's address, not its instance).
 */
async function hangingUp(t: WholeUp): Promise<void> {
  const from = t.double.log.length;
  t.double.faults.push({
    method: 'POST',
    pathIncludes: '/instances',
    status: 0,
    hang: true,
    times: 1,
  });
  try {
    const hang = () => t.double.log.slice(from).find((l) => l.status === 0);
    const up = await driver(t, UP, undefined, () => hang() !== undefined);
    const hungAt = hang()?.at;
    assert(
      hungAt !== undefined,
      `the instance insert never reached the double:\n${tail(up.out, 40)}`,
    );
    assert(up.code === 130, `exit ${up.code}, expected 130:\n${tail(up.out, 40)}`);
    // Loosely: Terraform stops once the hung request times out (GOOGLE_REQUEST_TIMEOUT), not after 120 s.
    const seconds = (Date.now() - hungAt) / 1000;
    console.log(
      `  (the hung up ended ${seconds.toFixed(1)} s after its request reached the double)`,
    );
    const bound = parseInt(GOOGLE_REQUEST_TIMEOUT, 10) + 45;
    assert(
      seconds < bound,
      `the interrupted up took ${seconds.toFixed(0)} s, more than ${bound} s`,
    );
    const resume = /resume: {4}npx docker-hosts up stage --from deploy --skip-image/;
    assert(resume.test(up.out), `no ${resume} in:\n${tail(up.out, 40)}`);
    locksReleased(t);
    await stateMatches(t);
    assertEqual(instancePaths(t).length, 1, 'instances in the double');
  } finally {
    t.double.faults.length = 0;
  }
}

function instancePaths(t: WholeUp): string[] {
  return t.double.store
    .paths()
    .filter((p) => /^\/compute\/v1\/projects\/[^/]+\/zones\/[^/]+\/instances\//.test(p));
}

/** Rewrites the copy's config/environments.ts with stage changed. */
function writeConfig(t: WholeUp, change: Partial<EnvironmentSpec>): void {
  const environments = t.spec.environments.map((e) =>
    e.name === 'stage' ? { ...e, ...change } : e,
  );
  const spec: ProjectSpec = { ...t.spec, environments };
  writeFileSync(join(t.repo, 'config', 'environments.ts'), environmentsTs(spec));
}
