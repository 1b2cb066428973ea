import { configErrorOf, resolveEnvs, validEnv } from '../helpers';

/** The one-line error a record with this `rollout` (and hostCount) gets. */
function errorOf(rollout: unknown, hostCount = 8): string {
  return configErrorOf([{ ...validEnv({ hostCount }), rollout }]);
}

describe('rollout', () => {
  test('defaults: one canary host, then a quarter of the fleet at a time', () => {
    const [env] = resolveEnvs([validEnv({ hostCount: 8 })]).environments;
    expect(env.rollout).toEqual({ canary: 1, batch: '25%' });
  });

  test('a count or a percentage is taken as written', () => {
    const [count, share] = resolveEnvs([
      validEnv({ hostCount: 8, rollout: { canary: 2, batch: 3 } }),
      validEnv({ name: 'prod', zone: 'europe-west1-c', hostCount: 8, rollout: { batch: '100%' } }),
    ]).environments;
    expect([count.rollout, share.rollout]).toEqual([
      { canary: 2, batch: 3 },
      { canary: 1, batch: '100%' },
    ]);
  });

  test.each<[unknown, string]>([
    [{ canary: 0 }, 'field "rollout.canary" must be an integer from 1 to 50 (got 0)'],
    [{ canary: 1.5 }, 'field "rollout.canary" must be an integer from 1 to 50 (got 1.5)'],
    [{ canary: '1' }, 'field "rollout.canary" must be a number (got "1")'],
    [
      { canary: 9 },
      'field "rollout.canary" must be at most hostCount (8): the canary is part of the fleet (got 9)',
    ],
    [{ batch: 0 }, 'field "rollout.batch" must be an integer from 1 to 50 (got 0)'],
    [{ batch: 51 }, 'field "rollout.batch" must be an integer from 1 to 50 (got 51)'],
    ...['0%', '101%', '25', '25 %', '2.5%', '%', '025%'].map((batch): [unknown, string] => [
      { batch },
      'field "rollout.batch" must be a number of hosts from 1 to 50 or a percentage from "1%" to "100%" ' +
        `(got "${batch}")`,
    ]),
    [
      { batch: true },
      'field "rollout.batch" must be a number of hosts or a percentage such as "25%" (got true)',
    ],
    [{ canray: 2 }, 'field "rollout.canray" is not a known field; did you mean "rollout.canary"?'],
    ['25%', 'field "rollout" must be an object with the fields canary, batch (got "25%")'],
  ])(
    '%j is refused, in one line naming the field, the value and what is allowed',
    (rollout, line) => {
      expect(errorOf(rollout)).toBe(`config error: environment "stage": ${line}`);
    },
  );

  test('canary 1 and batch 1 is the old one host at a time; a canary may be the whole fleet', () => {
    const [one, all] = resolveEnvs([
      validEnv({ rollout: { canary: 1, batch: 1 } }),
      validEnv({ name: 'prod', zone: 'europe-west1-c', hostCount: 3, rollout: { canary: 3 } }),
    ]).environments;
    expect([one.rollout, all.rollout.canary]).toEqual([{ canary: 1, batch: 1 }, 3]);
    expect(errorOf({ canary: 2 }, 1)).toContain('must be at most hostCount (1)');
  });
});
