import { EnvironmentSpec } from '../../config';
import { hostEntry } from '../../stacks/outputs';
import { parseStackOutputs } from '../../stacks/outputs-parser';
import { renderInventory } from '../../driver/inventory/inventory';
import { resolveEnvs, stacksFor, synthJson, TEST_PROJECT, validEnv } from '../helpers';

/** The synthesized JSON of a three-host environment with these fields. */
function synth(patch: Partial<EnvironmentSpec>): Record<string, any> {
  const config = resolveEnvs([validEnv({ hostCount: 3, ...patch })]);
  return synthJson(stacksFor(config).environments[0]);
}

const DATA: Partial<EnvironmentSpec> = {
  app: {
    env: { DATABASE_URL: 'docker-host-001:27017' },
    secrets: { SECRET_KEY_BASE: 'reddit-key', DB_PASSWORD: { secret: 'db-password', version: 2 } },
  },
  accessories: {
    mongo: {
      image: 'mongo:4.4',
      port: 27017,
      volumes: ['mongo:/data/db'],
      secrets: { PW: 'db-password' },
    },
    cache: { image: 'redis:7', port: 6379, host: 'docker-host-002' },
  },
  dataDisk: {
    sizeGb: 20,
    hosts: ['docker-host-001'],
    snapshots: { schedule: 'every 6 hours', retentionDays: 7 },
  },
};

describe('secrets', () => {
  const json = synth(DATA);

  test('secretAccessor on exactly each named secret, to the hosts own account, never the project', () => {
    const grants = Object.values(json.resource.google_secret_manager_secret_iam_member) as any[];
    expect(grants.map((g) => [g.secret_id, g.role, g.project])).toEqual([
      ['db-password', 'roles/secretmanager.secretAccessor', TEST_PROJECT],
      ['reddit-key', 'roles/secretmanager.secretAccessor', TEST_PROJECT],
    ]);
    for (const g of grants)
      expect(g.member).toBe('${google_service_account.service-account.member}');
    const projectRoles = Object.values(json.resource.google_project_iam_member).map(
      (m: any) => m.role,
    );
    expect(projectRoles.filter((r) => r.includes('secretmanager'))).toEqual([]);
  });

  test('hosts that read secrets get the cloud-platform scope (Secret Manager takes no other); without, not', () => {
    const scopes = (j: Record<string, any>) =>
      (Object.values(j.resource.google_compute_instance) as any[]).map(
        (i) => i.service_account.scopes,
      );
    expect(scopes(json)[0]).toContain('https://www.googleapis.com/auth/cloud-platform');
    const plain = synth({});
    expect(JSON.stringify(scopes(plain))).not.toContain('cloud-platform');
    expect(plain.resource.google_secret_manager_secret_iam_member).toBeUndefined();
  });
});

describe('data disks', () => {
  const json = synth(DATA);

  test('a disk per named host, labelled, attached as docker-hosts-data (never deleted with the host)', () => {
    const disks = Object.entries(json.resource.google_compute_disk) as [string, any][];
    expect(disks.map(([, d]) => [d.name, d.size, d.type])).toEqual([
      ['stage-docker-host-001-data', 20, 'pd-balanced'],
    ]);
    expect(disks[0][1].labels).toMatchObject({ env: 'stage', role: 'docker-host' });
    const instances = json.resource.google_compute_instance as Record<string, any>;
    const [first, second] = Object.values(instances);
    expect(first.attached_disk).toEqual([
      {
        source: `\${google_compute_disk.${disks[0][0]}.self_link}`,
        device_name: 'docker-hosts-data',
        mode: 'READ_WRITE',
      },
    ]);
    expect(second.attached_disk).toBeUndefined();
  });

  test('a snapshot schedule with retention, attached to each disk', () => {
    const [policy] = Object.values(json.resource.google_compute_resource_policy) as any[];
    expect(policy.snapshot_schedule_policy.schedule).toEqual({
      hourly_schedule: { hours_in_cycle: 6, start_time: '00:00' },
    });
    expect(policy.snapshot_schedule_policy.retention_policy).toEqual({
      max_retention_days: 7,
      on_source_disk_delete: 'KEEP_AUTO_SNAPSHOTS',
    });
    const attachments = Object.values(
      json.resource.google_compute_disk_resource_policy_attachment,
    ) as any[];
    expect(attachments).toHaveLength(1);
    expect(attachments[0].name).toMatch(/^\$\{google_compute_resource_policy\..*\.name\}$/);
  });

  test('the hosts output names the device of hosts with a disk; the inventory passes it on', () => {
    const hosts = json.output.hosts.value;
    expect(hosts['docker-host-001'].data_disk).toBe('docker-hosts-data');
    expect(hosts['docker-host-002'].data_disk).toBeUndefined();
    const [env] = resolveEnvs([validEnv({ hostCount: 2 })]).environments;
    const facts = (name: string, internalIp: string, dataDisk?: string) => ({
      key: name,
      name,
      zone: 'europe-west1-b',
      externalIp: '203.0.113.5',
      internalIp,
      instanceId: '1',
      ...(dataDisk === undefined ? {} : { dataDisk }),
    });
    const outputs = parseStackOutputs(
      {
        stage: {
          hosts: {
            'docker-host-001': hostEntry(
              env,
              facts('docker-host-001', '10.0.0.2', 'docker-hosts-data'),
            ),
            'docker-host-002': hostEntry(env, facts('docker-host-002', '10.0.0.3')),
          },
          app_urls: [],
          ssh_user: 'deploy',
          app_port: 9292,
          environment: 'stage',
        },
      },
      'stage',
    );
    expect(outputs.hosts['docker-host-001'].data_disk).toBe('docker-hosts-data');
    const inventory = renderInventory(outputs);
    expect(inventory.match(/docker_host_data_disk: .*/g)).toEqual([
      'docker_host_data_disk: "docker-hosts-data"',
    ]);
  });
});

test('a data_disk that is no device name is refused by the outputs parser, naming the field', () => {
  const [env] = resolveEnvs([validEnv()]).environments;
  const host = hostEntry(env, {
    key: 'docker-host-001',
    name: 'docker-host-001',
    zone: 'europe-west1-b',
    externalIp: '203.0.113.5',
    internalIp: '10.0.0.2',
    instanceId: '1',
  });
  const outputs = (dataDisk: unknown) => ({
    stage: {
      hosts: { 'docker-host-001': { ...host, data_disk: dataDisk } },
      app_urls: [],
      ssh_user: 'deploy',
      app_port: 9292,
      environment: 'stage',
    },
  });
  expect(() => parseStackOutputs(outputs('../sda'), 'stage')).toThrow(
    'stack "stage".hosts["docker-host-001"]: field "data_disk" must be a GCE device name, got "../sda"',
  );
  expect(
    parseStackOutputs(outputs(null), 'stage').hosts['docker-host-001'].data_disk,
  ).toBeUndefined();
});

describe('accessory ports', () => {
  test('open between the fleet hosts only: source and target the fleet tag, no source range', () => {
    const json = synth(DATA);
    const rule = Object.values(json.resource.google_compute_firewall).find((r: any) =>
      r.name.endsWith('allow-accessories'),
    ) as any;
    expect(rule.allow).toEqual([{ protocol: 'tcp', ports: ['6379', '27017'] }]);
    expect(rule.source_tags).toEqual(['docker-host-stage']);
    expect(rule.target_tags).toEqual(['docker-host-stage']);
    expect(rule.source_ranges).toBeUndefined();
    expect(
      Object.values(synth({}).resource.google_compute_firewall).map((r: any) => r.name),
    ).not.toContain('stage-docker-hosts-allow-accessories');
  });
});
