import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentSpec, ProjectSpec } from '../../config';
import { environmentsTs } from '../fixtures/repo';
import { assert, assertEqual } from '../terraform/harness';
import { tail } from '../terraform/terraform';
import { environmentKeys } from '../double/state';
import { REAL_PROJECT } from '../driver-real/setup';
import { lastRun, locksReleased, stateMatches, UP, WholeUp } from './context';
import { driver } from './driver';

/**
 * Changes through the same `up`: hostCount 1 → 2 adds a host (applied, in the inventory); then a zone change,
 * which replaces both hosts, needs the environment's name typed at the prompt: `y` is refused with nothing
 * applied, `stage` applies it.
 */
export async function changeChecks(t: WholeUp): Promise<void> {
  await t.tally.check('up stage with hostCount 2: the second host added and in the inventory', async () => {
    writeConfig(t, { hostCount: 2 });
    const up = await driver(t.repo, t.env, UP);
    assert(up.code === 1, `exit ${up.code}, expected 1 (at hosts):\n${tail(up.out, 40)}`);
    const lines = [/stage: 2 to add, 0 to change, 0 to replace, 0 to destroy/, /apply stage \(2 hosts\) ok/];
    for (const line of lines) assert(line.test(up.out), `no ${line} in:\n${tail(up.out, 60)}`);
    const inventory = readFileSync(join(lastRun(t), 'inventory.yml'), 'utf8');
    assert(/docker-host-001:/.test(inventory) && /docker-host-002:/.test(inventory), `inventory.yml:\n${inventory}`);
    await stateMatches(t);
  });
  await t.tally.check('up stage with a new zone (both hosts replaced): "y" refused, nothing applied', async () => {
    writeConfig(t, { hostCount: 2, zone: 'europe-west1-c' });
    const before = environmentKeys(t.double, REAL_PROJECT);
    const refused = await driver(t.repo, t.env, ['up', 'stage', '--skip-image'], 'y');
    assert(refused.code === 4, `exit ${refused.code}, expected 4:\n${tail(refused.out, 40)}`);
    const lines = [
      /must be replaced|REPLACE/,
      /Type the environment name/,
      /not approved \(the answer was not "stage"\)/,
    ];
    for (const line of lines) assert(line.test(refused.out), `no ${line} in:\n${tail(refused.out, 60)}`);
    assertEqual(environmentKeys(t.double, REAL_PROJECT), before, 'the environment in the double');
    locksReleased(t);
  });
  await t.tally.check('up stage with a new zone, "stage" typed: both hosts replaced in the new zone', async () => {
    const approved = await driver(t.repo, t.env, ['up', 'stage', '--skip-image'], 'stage');
    assert(approved.code === 1, `exit ${approved.code}, expected 1 (at hosts):\n${tail(approved.out, 40)}`);
    const zones = instancePaths(t).map((p) => p.split('/')[6]);
    assertEqual(zones, ['europe-west1-c', 'europe-west1-c'], "the instances' zones in the double");
    await stateMatches(t);
    locksReleased(t);
  });
}

function instancePaths(t: WholeUp): string[] {
  return t.double.store.paths().filter((p) => /^\/compute\/v1\/projects\/[^/]+\/zones\/[^/]+\/instances\//.test(p));
}

/** Rewrites the copy's config/environments.ts with stage changed. */
function writeConfig(t: WholeUp, change: Partial<EnvironmentSpec>): void {
  const environments = t.spec.environments.map((e) => (e.name === 'stage' ? { ...e, ...change } : e));
  const spec: ProjectSpec = { ...t.spec, environments };
  writeFileSync(join(t.repo, 'config', 'environments.ts'), environmentsTs(spec));
}
