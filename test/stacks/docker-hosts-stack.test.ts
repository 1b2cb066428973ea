import { Testing } from 'cdktf';
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { IAP_SSH_RANGE } from '../../config';
import {
  repoConfig,
  resolveEnvs,
  stacksFor,
  synthJson,
  TEST_KEY,
  TEST_PROJECT,
  validEnv,
} from '../helpers';

describe('repository environments', () => {
  const config = repoConfig();
  const stacks = stacksFor(config);

  test.each(config.environments.map((e) => e.name))('%s stack matches its snapshot', (name) => {
    const stack = stacks.environments.find((s) => s.node.id === name)!;
    expect(Testing.synth(stack)).toMatchSnapshot();
  });

  test.each(config.environments.map((e) => [e.name, e.hostCount] as const))(
    '%s has %i hosts named docker-host-NNN',
    (name, count) => {
      const json = synthJson(stacks.environments.find((s) => s.node.id === name)!);
      const instances = Object.values(json.resource.google_compute_instance) as Record<
        string,
        unknown
      >[];
      expect(instances.map((i) => i.name)).toEqual(
        Array.from({ length: count }, (_, i) => `docker-host-${String(i + 1).padStart(3, '0')}`),
      );
    },
  );

  test('stage and prod keep their state apart, each under its own prefix', () => {
    const backends = stacks.environments.map((s) => [
      s.node.id,
      synthJson(s).terraform.backend.gcs,
    ]);
    expect(backends).toEqual([
      ['stage', { bucket: `${TEST_PROJECT}-tfstate`, prefix: 'docker-hosts/stage' }],
      ['prod', { bucket: `${TEST_PROJECT}-tfstate`, prefix: 'docker-hosts/prod' }],
    ]);
  });
});

describe('a three-host environment', () => {
  const config = resolveEnvs([
    validEnv({
      hostCount: 3,
      sshSourceRanges: [IAP_SSH_RANGE, '203.0.113.0/24'],
      appSourceRanges: ['198.51.100.0/24'],
    }),
  ]);
  const [stack] = stacksFor(config).environments;
  const synth = Testing.synth(stack);
  const json = JSON.parse(synth);

  test('hosts are hardened: shielded VM, no project keys, serial off, no forwarding, own account', () => {
    for (const name of ['docker-host-001', 'docker-host-002', 'docker-host-003']) {
      expect(synth).toHaveResourceWithProperties(ComputeInstance, {
        name,
        zone: 'europe-west1-b',
        machine_type: 'e2-small',
        can_ip_forward: false,
        tags: ['docker-host', 'docker-host-stage'],
        labels: { env: 'stage', role: 'docker-host', 'managed-by': 'cdktf' },
        shielded_instance_config: {
          enable_secure_boot: true,
          enable_vtpm: true,
          enable_integrity_monitoring: true,
        },
        metadata: {
          'block-project-ssh-keys': 'TRUE',
          'serial-port-enable': 'FALSE',
          'enable-oslogin': 'FALSE',
          'ssh-keys': `deploy:${TEST_KEY}`,
        },
        service_account: {
          email: '${google_service_account.service-account.email}',
          scopes: [
            'https://www.googleapis.com/auth/logging.write',
            'https://www.googleapis.com/auth/monitoring.write',
          ],
        },
      });
      // The matcher compares nested blocks whole: check the boot image on its own.
      const instance = json.resource.google_compute_instance[`fleet_${name}`];
      expect(instance.boot_disk.initialize_params.image).toBe(
        `projects/${TEST_PROJECT}/global/images/family/docker-host-base`,
      );
    }
  });

  test('each host gets its own static external address, keyed by host name', () => {
    expect(Object.keys(json.resource.google_compute_address)).toEqual([
      'fleet_docker-host-001_address',
      'fleet_docker-host-002_address',
      'fleet_docker-host-003_address',
    ]);
    expect(synth).toHaveResourceWithProperties(ComputeAddress, {
      name: 'stage-docker-host-002',
      region: 'europe-west1',
    });
    expect(
      json.resource.google_compute_instance['fleet_docker-host-002'].network_interface[0]
        .access_config[0].nat_ip,
    ).toBe('${google_compute_address.fleet_docker-host-002_address.address}');
  });

  test('the service account is dedicated and only writes logs and metrics', () => {
    expect(synth).toHaveResourceWithProperties(ServiceAccount, {
      account_id: 'docker-hosts-stage',
      project: TEST_PROJECT,
    });
    const roles = Object.values(json.resource.google_project_iam_member).map((m: any) => m.role);
    expect(roles).toEqual(['roles/logging.logWriter', 'roles/monitoring.metricWriter']);
    expect(synth).toHaveResourceWithProperties(ProjectIamMember, {
      member: '${google_service_account.service-account.member}',
    });
  });

  test('firewall: app port and SSH from their configured ranges, to this environment only', () => {
    expect(synth).toHaveResourceWithProperties(ComputeFirewall, {
      name: 'stage-docker-hosts-allow-app',
      allow: [{ protocol: 'tcp', ports: ['9292'] }],
      source_ranges: ['198.51.100.0/24'],
      target_tags: ['docker-host-stage'],
    });
    expect(synth).toHaveResourceWithProperties(ComputeFirewall, {
      name: 'stage-docker-hosts-allow-ssh',
      allow: [{ protocol: 'tcp', ports: ['22'] }],
      source_ranges: [IAP_SSH_RANGE, '203.0.113.0/24'],
      target_tags: ['docker-host-stage'],
    });
  });

  test('everything else is denied, above the default network allow rules (SSH from anywhere among them)', () => {
    expect(synth).toHaveResourceWithProperties(ComputeFirewall, {
      name: 'stage-docker-hosts-deny-other-ingress',
      direction: 'INGRESS',
      priority: 65000,
      deny: [{ protocol: 'all' }],
      source_ranges: ['0.0.0.0/0'],
      target_tags: ['docker-host-stage'],
    });
    const priorities = Object.values(json.resource.google_compute_firewall).map((r: any) => [
      r.name,
      r.priority,
    ]);
    expect(priorities).toEqual([
      ['stage-docker-hosts-allow-app', 1000],
      ['stage-docker-hosts-deny-other-ingress', 65000],
      ['stage-docker-hosts-allow-ssh', 1000],
    ]);
  });

  test('by default SSH is open to IAP only, and hosts are reached through IAP aliases', () => {
    const [defaults] = stacksFor(resolveEnvs([validEnv()])).environments;
    const out = synthJson(defaults);
    expect(out.resource.google_compute_firewall.firewall_ssh.source_ranges).toEqual([
      IAP_SSH_RANGE,
    ]);
    expect(out.output.ssh_via.value).toBe('iap');
    expect(out.output.docker_hosts.value).toEqual(['ssh://stage-docker-host-001']);
  });

  test('outputs: the machine-readable hosts map, app URLs and DOCKER_HOST values', () => {
    expect(Object.keys(json.output).sort()).toEqual([
      'app_health_path',
      'app_port',
      'app_url',
      'app_urls',
      'docker_hosts',
      'environment',
      'exposure',
      'hosts',
      'project',
      'ssh_user',
      'ssh_via',
    ]);
    // SSH is open to an office range too, so hosts are reached directly.
    expect(json.output.ssh_via.value).toBe('direct');
    expect(json.output.exposure.value).toBe('public-ips');
    // On public IPs there is no one front door: the environment's URL is the first host's.
    expect(json.output.app_url.value).toBe(
      'http://${google_compute_address.fleet_docker-host-001_address.address}:9292',
    );
    expect(json.output.project.value).toBe(TEST_PROJECT);
    expect(json.output.hosts.value['docker-host-003']).toEqual({
      name: '${google_compute_instance.fleet_docker-host-003.name}',
      zone: '${google_compute_instance.fleet_docker-host-003.zone}',
      external_ip: '${google_compute_address.fleet_docker-host-003_address.address}',
      internal_ip:
        '${google_compute_instance.fleet_docker-host-003.network_interface[0].network_ip}',
      instance_id: '${google_compute_instance.fleet_docker-host-003.instance_id}',
      app_url: 'http://${google_compute_address.fleet_docker-host-003_address.address}:9292',
      ssh: 'deploy@${google_compute_address.fleet_docker-host-003_address.address}',
      docker_host: 'ssh://deploy@${google_compute_address.fleet_docker-host-003_address.address}',
    });
    expect(json.output.app_urls.value).toEqual([
      'http://${google_compute_address.fleet_docker-host-001_address.address}:9292',
      'http://${google_compute_address.fleet_docker-host-002_address.address}:9292',
      'http://${google_compute_address.fleet_docker-host-003_address.address}:9292',
    ]);
    expect(json.output.docker_hosts.value[0]).toBe(
      'ssh://deploy@${google_compute_address.fleet_docker-host-001_address.address}',
    );
    expect(json.output.ssh_user.value).toBe('deploy');
    expect(json.output.app_port.value).toBe(9292);
    // `cdktf output --outputs-file` nests outputs by construct path: stack name, then output id.
    expect(json['//']).toBeUndefined();
  });

  test('adding a host adds resources without renaming the existing ones', () => {
    const [bigger] = stacksFor(resolveEnvs([validEnv({ hostCount: 4 })])).environments;
    const before = Object.keys(json.resource.google_compute_instance);
    const after = Object.keys(synthJson(bigger).resource.google_compute_instance);
    expect(after.slice(0, 3)).toEqual(before);
    expect(after[3]).toBe('fleet_docker-host-004');
  });

  test('OS Login replaces the metadata key', () => {
    const [osLogin] = stacksFor(
      resolveEnvs([validEnv({ ssh: { osLogin: true, user: 'ops_example_com', publicKeys: [] } })]),
    ).environments;
    const metadata =
      synthJson(osLogin).resource.google_compute_instance['fleet_docker-host-001'].metadata;
    expect(metadata['enable-oslogin']).toBe('TRUE');
    expect(metadata['ssh-keys']).toBeUndefined();
  });

  test('no secret material ends up in the synthesized JSON', () => {
    expect(synth).not.toMatch(/PRIVATE KEY|private_key|password|"credentials"/i);
  });
});
