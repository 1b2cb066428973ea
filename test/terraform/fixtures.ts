import { ProjectSpec } from '../../config';

/**
 * The Terraform tier's own configs (not config/environments.ts): together they exercise every option
 * the config offers, so every shape of synthesized stack goes through Terraform.
 */
export interface Fixture {
  readonly name: string;
  readonly spec: ProjectSpec;
}

export const FIXTURE_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm9Ylq0bW5UkGb0V6nWqf3cQ6x1d0bG6wqKq6b4mJ5e ops@example';

/**
 * One host, every default but a committed login key (metadata key): behind the load balancer (HTTP only), IAP only,
 * state local, the `default` network.
 */
const single: Fixture = {
  name: 'single',
  spec: {
    backendState: 'local',
    environments: [
      {
        name: 'stage',
        projectId: 'acme-single',
        region: 'europe-west1',
        zone: 'europe-west1-b',
        ssh: { publicKeys: [FIXTURE_KEY] },
      },
    ],
  },
};

/** The same host on its own public IP (exposure `public-ips`): the first fixture in the other mode. */
const singlePublicIps: Fixture = {
  name: 'single-public-ips',
  spec: {
    ...single.spec,
    environments: single.spec.environments.map((e) => ({ ...e, exposure: 'public-ips' as const })),
  },
};

/**
 * Several hosts and environments in two projects (two state buckets), in both modes: stage behind the load
 * balancer with a domain (HTTPS), a log sample rate, a health-check path and deletion protection; prod and lab on
 * public IPs. OS Login, direct SSH from an admin range, SSH from anywhere with its opt-in, a non-default network,
 * extra labels, state in GCS; stage's app with env, secrets and volumes, two accessories (one with a port) and a
 * data disk on one host with hourly snapshots; a data disk on each of prod's hosts.
 */
const fleet: Fixture = {
  name: 'fleet',
  spec: {
    backendState: 'gcs',
    stateLocation: 'EUROPE-WEST1',
    stateVersionsKept: 3,
    environments: [
      {
        name: 'stage',
        projectId: 'acme-fleet',
        region: 'europe-west1',
        zone: 'europe-west1-b',
        hostCount: 3,
        network: 'docker-hosts',
        exposure: 'load-balancer',
        domain: 'app.example.com',
        lbLogSampleRate: 0.5,
        deletionProtection: true,
        labels: { team: 'ops', 'cost-center': 'cc-42' },
        ssh: { user: 'ops_example_com', osLogin: true, connectVia: 'iap' },
        app: {
          healthCheckPath: '/healthz',
          env: { DATABASE_URL: 'docker-host-001:27017' },
          secrets: { SECRET_KEY_BASE: 'app-key', SMTP_PASSWORD: { secret: 'smtp', version: 2 } },
          volumes: ['uploads:/app/uploads'],
        },
        accessories: {
          mongo: { image: 'mongo:4.4', port: 27017, volumes: ['mongo:/data/db'] },
          redis: { image: 'redis:7', host: 'docker-host-002', secrets: { REDIS_PASSWORD: 'smtp' } },
        },
        dataDisk: {
          sizeGb: 20,
          hosts: ['docker-host-001'],
          snapshots: { schedule: 'every 6 hours', retentionDays: 3 },
        },
      },
      {
        name: 'prod',
        projectId: 'acme-fleet',
        region: 'europe-west1',
        zone: 'europe-west1-d',
        hostCount: 2,
        machineType: 'e2-standard-2',
        diskSizeGb: 30,
        exposure: 'public-ips',
        sshSourceRanges: ['203.0.113.0/24', '35.235.240.0/20'],
        ssh: { connectVia: 'direct', publicKeys: [FIXTURE_KEY] },
        app: { image: 'nginx:1.27', port: 8080, containerName: 'web' },
        dataDisk: { sizeGb: 10, type: 'pd-standard' },
      },
      {
        name: 'lab',
        projectId: 'acme-lab',
        region: 'us-central1',
        zone: 'us-central1-a',
        exposure: 'public-ips',
        appSourceRanges: ['198.51.100.0/24'],
        sshSourceRanges: ['0.0.0.0/0'],
        allowSshFromAnywhere: true,
        ssh: { publicKeys: [FIXTURE_KEY] },
        app: { build: { context: 'app', name: 'web', buildArgs: { MODE: 'lab' } } },
      },
    ],
  },
};

/**
 * Two managed fleets (`fleet: 'managed'`, regional managed instance groups): `scale` in a four-zone region with a
 * domain (HTTPS), a load-balancing utilisation target, a surge of five, OS Login and a health-check path; `web` on
 * every managed default (CPU target, one surge per zone) with a metadata key. The shipped config stays two fixed
 * environments: this fixture is where the managed shape meets Terraform and the real provider.
 */
const managed: Fixture = {
  name: 'managed',
  spec: {
    backendState: 'local',
    environments: [
      {
        name: 'scale',
        projectId: 'acme-managed',
        region: 'us-central1',
        zone: 'us-central1-a',
        fleet: 'managed',
        managed: {
          minHosts: 4,
          maxHosts: 20,
          target: { lbUtilization: 0.8 },
          maxSurge: 5,
          initialDelaySec: 180,
        },
        machineType: 'e2-standard-2',
        domain: 'scale.example.com',
        labels: { team: 'ops' },
        ssh: { user: 'ops_example_com', osLogin: true },
        app: { healthCheckPath: '/healthz' },
      },
      {
        name: 'web',
        projectId: 'acme-managed',
        region: 'europe-west1',
        zone: 'europe-west1-c',
        fleet: 'managed',
        ssh: { publicKeys: [FIXTURE_KEY] },
      },
    ],
  },
};

/** The release the Terraform tier plans managed stacks with (`-var release_image=…`): an image by digest. */
export const FIXTURE_RELEASE = `europe-west1-docker.pkg.dev/acme-managed/docker-hosts/app@sha256:${'ab12'.repeat(16)}`;

export const FIXTURES: readonly Fixture[] = [single, singlePublicIps, fleet, managed];
