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

/** One host, every default but a committed login key (metadata key), IAP only, state local, the `default` network. */
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

/**
 * Several hosts and environments in two projects (two state buckets): OS Login, direct SSH from an
 * admin range, SSH from anywhere with its opt-in, a non-default network, extra labels, state in GCS.
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
        labels: { team: 'ops', 'cost-center': 'cc-42' },
        ssh: { user: 'ops_example_com', osLogin: true, connectVia: 'iap' },
      },
      {
        name: 'prod',
        projectId: 'acme-fleet',
        region: 'europe-west1',
        zone: 'europe-west1-d',
        hostCount: 2,
        machineType: 'e2-standard-2',
        diskSizeGb: 30,
        sshSourceRanges: ['203.0.113.0/24', '35.235.240.0/20'],
        ssh: { connectVia: 'direct', publicKeys: [FIXTURE_KEY] },
        app: { image: 'nginx:1.27', port: 8080, containerName: 'web' },
      },
      {
        name: 'lab',
        projectId: 'acme-lab',
        region: 'us-central1',
        zone: 'us-central1-a',
        appSourceRanges: ['198.51.100.0/24'],
        sshSourceRanges: ['0.0.0.0/0'],
        allowSshFromAnywhere: true,
        ssh: { publicKeys: [FIXTURE_KEY] },
      },
    ],
  },
};

export const FIXTURES: readonly Fixture[] = [single, fleet];
