import { exposureSection } from '../../review/exposure';
import { resourcesSection } from '../../review/resources';
import { resolveEnvs, stacksFor, synthJson, validEnv } from '../helpers';

/** A managed environment of 2 to 5 hosts, synthesized. */
const json = synthJson(
  stacksFor(
    resolveEnvs([
      validEnv({
        exposure: 'load-balancer',
        fleet: 'managed',
        managed: { minHosts: 2, maxHosts: 5 },
      }),
    ]),
  ).environments[0],
);

describe("the review's exposure table covers the managed fleet", () => {
  const section = exposureSection([{ name: 'stage', json }]);
  const [, reach, doors] = section.blocks as unknown as { rows: string[][] }[];

  test("every host of the group, by its template's tags: SSH from IAP, the app port from Google's ranges only", () => {
    expect(reach.rows.map((r) => r.slice(0, 3))).toEqual([
      [
        'stage/stage-docker-host-* (every host of the managed group)',
        'SSH tcp/22',
        '35.235.240.0/20 (Google IAP) [stage-docker-hosts-allow-ssh]',
      ],
      [
        'stage/stage-docker-host-* (every host of the managed group)',
        'app tcp/9292',
        expect.stringContaining('35.191.0.0/16'),
      ],
    ]);
    expect(reach.rows[1][2]).not.toContain('0.0.0.0/0');
    expect(section.summary).toContain('what reaches 1 host on SSH and the app port');
  });

  test('the front door sends traffic to the managed group, autoscaled and autohealing', () => {
    expect(doors.rows[0][4]).toBe(
      'backend stage-docker-hosts-app: managed group stage-docker-hosts (2-5 hosts, autoscaled, autohealing), health check HTTP :9292/, logging 1 of requests',
    );
  });
});

test("the review's resources: the template as the group's hosts, the group and its autoscaler in one line each", () => {
  const section = resourcesSection({ name: 'stage', json });
  const [, hosts, others] = section.blocks as unknown as { rows: string[][] }[];
  expect(hosts.rows).toEqual([
    [
      'stage-docker-host-* (managed group)',
      'e2-small',
      'europe-west1 (every zone)',
      '20 GB pd-balanced',
      'docker-host-base (project acme-docker-hosts)',
      'docker-hosts-stage@acme-docker-hosts.iam.gserviceaccount.com (google_service_account.service-account)',
      'logging.write, monitoring.write',
      'env=stage, managed-by=cdktf, role=docker-host',
      'none',
      'metadata key: deploy',
    ],
  ]);
  const line = (address: string) => others.rows.find((r) => r[0] === address)?.[1];
  expect(line('google_compute_region_instance_group_manager.managed-group')).toBe(
    'stage-docker-hosts over europe-west1-b, europe-west1-c, europe-west1-d; autohealing after 300 s; PROACTIVE rollout, max unavailable 0, surge 3',
  );
  expect(line('google_compute_region_autoscaler.autoscaler')).toBe('2 to 5 hosts at CPU 0.6');
  expect(section.summary).toMatch(/, 1 host; /);
});
