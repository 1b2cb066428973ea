import { Testing } from 'cdktf';
import { CloudNat } from '../../constructs/cloud-nat';
import { DockerHostFleet } from '../../constructs/docker-host-fleet';
import { FrontDoor, FrontDoorProps } from '../../constructs/front-door';

const props: FrontDoorProps = {
  project: 'acme-docker-hosts',
  namePrefix: 'prod-docker-hosts',
  network: 'default',
  zones: [
    { zone: 'europe-west1-b', instances: ['projects/p/zones/europe-west1-b/instances/a'] },
    { zone: 'europe-west1-c', instances: ['projects/p/zones/europe-west1-c/instances/b'] },
  ],
  appPort: 9292,
  labels: {},
};

function synth(build: (scope: import('constructs').Construct) => void): Record<string, any> {
  return JSON.parse(Testing.synthScope(build));
}

/** A resource by the start of its logical id (synthScope adds a hash to each id). */
function res(json: Record<string, any>, type: string, id: string): Record<string, any> {
  const found = Object.entries<any>(json.resource[type] ?? {}).filter(([key]) =>
    key.startsWith(`${id}_`),
  );
  if (found.length !== 1) throw new Error(`${found.length} ${type} named ${id}_*`);
  return found[0][1];
}

describe('FrontDoor', () => {
  test('applies its documented defaults: health check on /, every request logged, 30s draining, HTTP only', () => {
    const json = synth((scope) => new FrontDoor(scope, 'front-door', props));
    const backend = res(json, 'google_compute_backend_service', 'front-door_backend');
    expect([backend.log_config, backend.connection_draining_timeout_sec]).toEqual([
      { enable: true, sample_rate: 1 },
      30,
    ]);
    expect(
      res(json, 'google_compute_health_check', 'front-door_health-check').http_health_check,
    ).toEqual({
      port: 9292,
      request_path: '/',
    });
    expect(Object.keys(json.resource.google_compute_global_forwarding_rule)).toEqual([
      expect.stringMatching(/^front-door_http_/),
    ]);
    expect(json.resource.google_compute_managed_ssl_certificate).toBeUndefined();
  });

  test('one unmanaged instance group per zone, each a backend with the named port', () => {
    const json = synth((scope) => new FrontDoor(scope, 'front-door', props));
    expect(Object.keys(json.resource.google_compute_instance_group)).toHaveLength(2);
    expect(
      res(json, 'google_compute_instance_group', 'front-door_group-europe-west1-c'),
    ).toMatchObject({
      zone: 'europe-west1-c',
      instances: ['projects/p/zones/europe-west1-c/instances/b'],
      named_port: [{ name: 'app', port: 9292 }],
    });
    expect(
      res(json, 'google_compute_backend_service', 'front-door_backend').backend.map(
        (b: any) => b.group,
      ),
    ).toEqual([
      expect.stringMatching(
        /^\$\{google_compute_instance_group\.front-door_group-europe-west1-b_\w+\.id\}$/,
      ),
      expect.stringMatching(
        /^\$\{google_compute_instance_group\.front-door_group-europe-west1-c_\w+\.id\}$/,
      ),
    ]);
  });

  test('its url is the domain over HTTPS, or the reserved address over HTTP', () => {
    let plain: FrontDoor | undefined;
    let secure: FrontDoor | undefined;
    Testing.synthScope((scope) => {
      plain = new FrontDoor(scope, 'a', props);
      secure = new FrontDoor(scope, 'b', { ...props, namePrefix: 'x', domain: 'app.example.com' });
    });
    expect(plain!.url).toMatch(/^http:\/\/\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(secure!.url).toBe('https://app.example.com');
  });

  test('refuses no zones', () => {
    expect(() =>
      synth((scope) => new FrontDoor(scope, 'front-door', { ...props, zones: [] })),
    ).toThrow('FrontDoor "front-door": zones must name at least one zone');
  });
});

describe('CloudNat', () => {
  test('a router and its NAT in the region, every subnetwork, errors logged', () => {
    const json = synth(
      (scope) =>
        new CloudNat(scope, 'nat', {
          project: 'p',
          region: 'us-central1',
          network: 'vpc',
          name: 'lab-nat',
        }),
    );
    expect(res(json, 'google_compute_router', 'nat_router')).toEqual({
      project: 'p',
      region: 'us-central1',
      network: 'vpc',
      name: 'lab-nat',
    });
    expect(res(json, 'google_compute_router_nat', 'nat')).toMatchObject({
      region: 'us-central1',
      router: expect.stringMatching(/^\$\{google_compute_router\.nat_router_\w+\.name\}$/),
      source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      log_config: { enable: true, filter: 'ERRORS_ONLY' },
    });
  });
});

describe('DockerHostFleet without external addresses', () => {
  test('no address, no access config; deletion protection when asked', () => {
    let fleet: DockerHostFleet | undefined;
    const json = synth((scope) => {
      fleet = new DockerHostFleet(scope, 'fleet', {
        project: 'p',
        region: 'europe-west1',
        zone: 'europe-west1-b',
        hostNames: ['docker-host-001'],
        addressPrefix: 'prod',
        externalAddress: false,
        deletionProtection: true,
        imageProject: 'p',
        imageFamily: 'docker-host-base',
        networkTags: [],
        labels: {},
        serviceAccountEmail: 'sa@p.iam.gserviceaccount.com',
        scopes: [],
        sshUser: 'deploy',
      });
    });
    expect(json.resource.google_compute_address).toBeUndefined();
    const instance = res(json, 'google_compute_instance', 'fleet_docker-host-001');
    expect([instance.network_interface, instance.deletion_protection]).toEqual([
      [{ network: 'default' }],
      true,
    ]);
    expect(fleet!.hosts[0].address).toBeUndefined();
  });
});
