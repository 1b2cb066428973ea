import { renderText } from '../../review/document';
import { dataSection } from '../../review/data';
import { resolveEnvs, stacksFor, synthJson, validEnv } from '../helpers';

function stackOf(patch: Parameters<typeof validEnv>[0]) {
  const config = resolveEnvs([validEnv({ hostCount: 2, ...patch })]);
  return { name: 'stage', json: synthJson(stacksFor(config).environments[0]) };
}

describe('review: data and secrets', () => {
  test('each data disk and each secret grant is its own row', () => {
    const stack = stackOf({
      deletionProtection: true,
      app: { secrets: { SECRET_KEY_BASE: 'reddit-key' } },
      accessories: { mongo: { image: 'mongo:4.4', secrets: { PW: 'mongo-pw' } } },
      dataDisk: {
        sizeGb: 20,
        hosts: ['docker-host-001'],
        snapshots: { schedule: 'daily at 02:00', retentionDays: 30 },
      },
    });
    const [section] = dataSection([stack]);
    expect(section.summary).toBe('1 data disk, 2 secret grants');
    const [disks, secrets] = section.blocks as unknown as { rows: string[][] }[];
    expect(disks.rows).toEqual([
      [
        'stage',
        'stage-docker-host-001-data',
        'docker-host-001 as docker-hosts-data',
        '20 GB pd-balanced',
        "protected (its host's deletion protection)",
        'daily at 02:00 UTC, kept 30 days',
      ],
    ]);
    expect(secrets.rows.map((r) => r.slice(1, 3))).toEqual([
      ['mongo-pw (project acme-docker-hosts)', 'roles/secretmanager.secretAccessor'],
      ['reddit-key (project acme-docker-hosts)', 'roles/secretmanager.secretAccessor'],
    ]);
    expect(secrets.rows[0][3]).toBe(
      'serviceAccount:docker-hosts-stage@acme-docker-hosts.iam.gserviceaccount.com',
    );
    expect(renderText({ title: 'r', sections: [section] })).toContain('stage-docker-host-001-data');
  });

  test('a table only for what there is: disks without grants', () => {
    const [section] = dataSection([stackOf({ dataDisk: { sizeGb: 10 } })]);
    expect(section.summary).toBe('2 data disks, 0 secret grants');
    expect(section.blocks).toHaveLength(1);
  });

  test('stacks with neither get no section', () => {
    expect(dataSection([stackOf({})])).toEqual([]);
  });
});
