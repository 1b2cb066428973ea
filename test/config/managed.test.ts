import { EnvironmentSpec } from '../../config';
import { configErrorOf, resolveEnvs, validEnv } from '../helpers';

/** A managed record behind the load balancer, with these overrides. */
function managedEnv(overrides: Record<string, unknown> = {}): EnvironmentSpec {
  return validEnv({
    exposure: 'load-balancer',
    fleet: 'managed',
    ...(overrides as Partial<EnvironmentSpec>),
  });
}

describe('fleet and managed', () => {
  test('the default is the fixed fleet, with no managed section', () => {
    const [env] = resolveEnvs([validEnv({ hostCount: 2 })]).environments;
    expect([env.fleet, env.managed, env.hostNames.length]).toEqual(['fixed', undefined, 2]);
  });

  test('managed defaults: 2 to 6 hosts at 60 % CPU, a surge of one per zone, 300 s to boot', () => {
    const [env] = resolveEnvs([managedEnv()]).environments;
    expect(env.fleet).toBe('managed');
    expect(env.managed).toEqual({
      minHosts: 2,
      maxHosts: 6,
      target: { kind: 'cpu', value: 0.6 },
      maxSurge: 3,
      initialDelaySec: 300,
      zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
    });
    expect([env.hostCount, env.hostNames]).toEqual([0, []]);
  });

  test('a region with four zones surges four by default; values are taken as written', () => {
    const [env] = resolveEnvs([
      managedEnv({
        region: 'us-central1',
        zone: 'us-central1-a',
        managed: {
          minHosts: 10,
          maxHosts: 40,
          target: { lbUtilization: 0.8 },
          maxSurge: '20%',
          initialDelaySec: 120,
        },
      }),
    ]).environments;
    expect(env.managed).toMatchObject({
      minHosts: 10,
      maxHosts: 40,
      target: { kind: 'lbUtilization', value: 0.8 },
      maxSurge: '20%',
      initialDelaySec: 120,
    });
    const [four] = resolveEnvs([
      managedEnv({ region: 'us-central1', zone: 'us-central1-a' }),
    ]).environments;
    expect(four.managed?.maxSurge).toBe(four.managed?.zones.length);
    expect(four.managed?.zones.length).toBe(4);
  });

  test('a minHosts above the default maxHosts raises maxHosts with it', () => {
    const [env] = resolveEnvs([managedEnv({ managed: { minHosts: 8 } })]).environments;
    expect([env.managed?.minHosts, env.managed?.maxHosts]).toEqual([8, 8]);
  });

  test.each<[Record<string, unknown>, string]>([
    [
      { exposure: 'public-ips' },
      'field "fleet" "managed" needs exposure "load-balancer": the front door\'s health check heals the group and its backend is the group (got exposure "public-ips")',
    ],
    [{ fleet: 'auto' }, 'field "fleet" must be "fixed" or "managed" (got "auto")'],
    [
      { hostCount: 3 },
      'field "hostCount" applies only with fleet "fixed" (got 3 with fleet "managed": the group\'s size is managed.minHosts to managed.maxHosts, and Google rolls a release)',
    ],
    [{ rollout: { canary: 1 } }, 'field "rollout" applies only with fleet "fixed"'],
    [{ deletionProtection: true }, 'field "deletionProtection" applies only with fleet "fixed"'],
    [
      { accessories: { mongo: { image: 'mongo:4.4' } } },
      'field "accessories" applies only with fleet "fixed" (got {"mongo":{"image":"mongo:4.4"}} with fleet "managed": a managed group replaces its hosts at will',
    ],
    [{ dataDisk: { sizeGb: 10 } }, 'field "dataDisk" applies only with fleet "fixed"'],
    [
      { app: { env: { MODE: 'web' } } },
      'field "app.env" applies only with fleet "fixed" for now (got {"MODE":"web"} with fleet "managed"',
    ],
    [{ app: { secrets: { DB: 'db-password' } } }, 'field "app.secrets" applies only with fleet'],
    [{ app: { volumes: ['uploads:/srv/uploads'] } }, 'field "app.volumes" applies only with fleet'],
    [
      { fleet: 'fixed', managed: { minHosts: 2 } },
      'field "managed" applies only with fleet "managed" (got {"minHosts":2} with fleet "fixed")',
    ],
    [
      { managed: { minHosts: 0 } },
      'field "managed.minHosts" must be an integer from 1 to 50 (got 0)',
    ],
    [
      { managed: { minHosts: 4, maxHosts: 3 } },
      'field "managed.maxHosts" must be an integer from 4 to 50 (got 3)',
    ],
    [
      { managed: { target: { cpu: 0.6, lbUtilization: 0.8 } } },
      'field "managed.target" must set exactly one of "cpu" or "lbUtilization"',
    ],
    [{ managed: { target: {} } }, 'field "managed.target" must set exactly one of'],
    [
      { managed: { target: { cpu: 1.5 } } },
      'field "managed.target.cpu" must be a number above 0 and at most 1, such as 0.6 (got 1.5)',
    ],
    [{ managed: { target: { lbUtilization: 0 } } }, 'field "managed.target.lbUtilization"'],
    [
      { managed: { target: { memory: 0.5 } } },
      'field "managed.target.memory" is not a known field',
    ],
    [
      { managed: { maxSurge: 2 } },
      'field "managed.maxSurge" must be a whole number of hosts from 3 (the region\'s zones: a regional group surges at least one per zone) to 50 (got 2)',
    ],
    [
      { managed: { maxSurge: '20%' } },
      'field "managed.maxSurge" may be a percentage only with managed.minHosts of 10 or more',
    ],
    [{ managed: { maxSurge: '20 %' } }, 'field "managed.maxSurge" must be a number of hosts or'],
    [
      { managed: { initialDelaySec: 3601 } },
      'field "managed.initialDelaySec" must be an integer from 0 to 3600 (got 3601)',
    ],
    [{ managed: { minHost: 2 } }, 'field "managed.minHost" is not a known field; did you mean'],
  ])('%j is refused with one line', (overrides, message) => {
    expect(configErrorOf([managedEnv(overrides)])).toContain(message);
  });
});
