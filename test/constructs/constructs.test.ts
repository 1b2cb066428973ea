import { Testing } from 'cdktf';
import { DockerHostFleet, DockerHostFleetProps } from '../../constructs/docker-host-fleet';
import { FleetFirewall } from '../../constructs/fleet-firewall';
import { HostServiceAccount } from '../../constructs/host-service-account';
import { StateBucket } from '../../constructs/state-bucket';

const fleetProps: DockerHostFleetProps = {
  project: 'acme-docker-hosts',
  region: 'europe-west1',
  zone: 'europe-west1-b',
  hostNames: ['docker-host-001'],
  addressPrefix: 'stage',
  imageProject: 'acme-docker-hosts',
  imageFamily: 'docker-host-base',
  networkTags: ['docker-host'],
  labels: {},
  serviceAccountEmail: 'sa@acme-docker-hosts.iam.gserviceaccount.com',
  scopes: [],
  sshUser: 'deploy',
};

describe('DockerHostFleet', () => {
  test('applies its documented defaults', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => new DockerHostFleet(scope, 'fleet', fleetProps)),
    );
    const instance = Object.values(json.resource.google_compute_instance)[0] as Record<string, any>;
    expect(instance.machine_type).toBe('e2-small');
    expect(instance.boot_disk.initialize_params.size).toBe(20);
    expect(instance.network_interface[0].network).toBe('default');
    expect(instance.metadata['enable-oslogin']).toBe('FALSE');
    expect(instance.metadata['ssh-keys']).toBeUndefined();
  });

  test.each([
    [[], 'hostNames must name at least one host (got none)'],
    [
      ['docker-host-001', 'docker-host-001'],
      'hostNames must be unique RFC1035 names such as "docker-host-001" (got "docker-host-001")',
    ],
    [
      ['Docker_Host'],
      'hostNames must be unique RFC1035 names such as "docker-host-001" (got "Docker_Host")',
    ],
  ])('refuses hostNames %j', (hostNames, message) => {
    expect(() =>
      Testing.synthScope(
        (scope) => new DockerHostFleet(scope, 'fleet', { ...fleetProps, hostNames }),
      ),
    ).toThrow(`DockerHostFleet "fleet": ${message}`);
  });
});

describe('StateBucket', () => {
  test('refuses a non-positive versionsKept', () => {
    expect(() =>
      Testing.synthScope(
        (scope) =>
          new StateBucket(scope, 'state', {
            name: 'b',
            project: 'p',
            location: 'EU',
            versionsKept: 0,
          }),
      ),
    ).toThrow('StateBucket "state": versionsKept must be an integer >= 1 (got 0)');
  });
});

describe('HostServiceAccount', () => {
  test('refuses a malformed account id', () => {
    expect(() =>
      Testing.synthScope(
        (scope) =>
          new HostServiceAccount(scope, 'sa', { project: 'p', accountId: 'x', displayName: 'x' }),
      ),
    ).toThrow(
      'HostServiceAccount "sa": accountId must be 6-30 lowercase letters, digits and hyphens, starting with a letter (got "x")',
    );
  });

  test('one IAM member per role, keyed by the role', () => {
    const json = JSON.parse(
      Testing.synthScope(
        (scope) =>
          new HostServiceAccount(scope, 'sa', {
            project: 'p',
            accountId: 'docker-hosts-x',
            displayName: 'x',
          }),
      ),
    );
    expect(Object.values(json.resource.google_project_iam_member).map((m: any) => m.role)).toEqual([
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
    ]);
  });
});

describe('FleetFirewall', () => {
  test('refuses empty source ranges', () => {
    expect(() =>
      Testing.synthScope(
        (scope) =>
          new FleetFirewall(scope, 'fw', {
            project: 'p',
            network: 'default',
            namePrefix: 'stage',
            targetTag: 't',
            appPort: 9292,
            appSourceRanges: [],
            sshSourceRanges: ['35.235.240.0/20'],
          }),
      ),
    ).toThrow('FleetFirewall "fw": appSourceRanges must not be empty');
  });
});
