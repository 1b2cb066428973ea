import { PROJECT } from '../../config/environments';
import { loadProjectConfig } from '../../config';
import { checkPolicies } from '../../policies/check';
import { synthesizeStacks } from '../../review/synth';
import { configSuppressions } from '../../stacks/app';
import { testContext } from '../helpers';

/**
 * The one test that reads the operator's config (config/environments.ts), whatever it holds: every other test
 * uses its own (test/fixtures/project.ts), so adding or editing an environment changes nothing else
 * (scripts/extra-env-check.sh proves it in CI).
 */
test("the operator's config resolves, synthesizes one stack per environment and passes every policy", () => {
  const config = loadProjectConfig(PROJECT, testContext());
  const stacks = synthesizeStacks(config);
  expect(stacks.map((s) => s.name)).toEqual([
    'backend',
    'registry',
    ...PROJECT.environments.map((e) => e.name),
  ]);
  expect(checkPolicies(stacks, configSuppressions(config))).toEqual([]);
}, 30000);
