import { EnvironmentSpec } from '../../config';
import { RELEASE_VARIABLE } from '../../stacks/managed-outputs';
import { parseFleetOutputs } from '../../stacks/managed-outputs-parser';
import { OutputsError, parseStackOutputs } from '../../stacks/outputs-parser';
import { resolveEnvs, stacksFor, synthJson, validEnv } from '../helpers';

function managedJson(overrides: Partial<EnvironmentSpec> = {}): Record<string, any> {
  const env = validEnv({ exposure: 'load-balancer', fleet: 'managed', ...overrides });
  return synthJson(stacksFor(resolveEnvs([env])).environments[0]);
}

const only = (json: Record<string, any>, type: string) => {
  const all = Object.values<any>(json.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
};

describe('a managed fleet synthesizes a template, a regional group, an autoscaler and the front door', () => {
  const json = managedJson({
    labels: { team: 'ops' },
    app: { port: 8080, healthCheckPath: '/healthz', containerName: 'web' },
    managed: { minHosts: 3, maxHosts: 9, target: { lbUtilization: 0.7 }, initialDelaySec: 240 },
  });

  test('no fixed host, no unmanaged group, no static address', () => {
    for (const type of [
      'google_compute_instance',
      'google_compute_instance_group',
      'google_compute_address',
    ])
      expect(json.resource[type]).toBeUndefined();
  });

  test('the template has what the fixed hosts have, no external IP, and the release from the variable', () => {
    const t = only(json, 'google_compute_region_instance_template');
    expect(t.network_interface).toEqual([{ network: 'default' }]);
    expect(t.service_account).toEqual({
      email: '${google_service_account.service-account.email}',
      scopes: [
        'https://www.googleapis.com/auth/logging.write',
        'https://www.googleapis.com/auth/monitoring.write',
      ],
    });
    expect(t.shielded_instance_config).toEqual({
      enable_integrity_monitoring: true,
      enable_secure_boot: true,
      enable_vtpm: true,
    });
    expect(t.can_ip_forward).toBe(false);
    expect(t.tags).toEqual(['docker-host', 'docker-host-stage']);
    expect(t.labels).toEqual({
      team: 'ops',
      env: 'stage',
      role: 'docker-host',
      'managed-by': 'cdktf',
    });
    expect(t.metadata).toMatchObject({
      'block-project-ssh-keys': 'TRUE',
      'serial-port-enable': 'FALSE',
      'enable-oslogin': 'FALSE',
    });
    expect(t.metadata['ssh-keys']).toMatch(/^deploy:ssh-ed25519 /);
    expect(t.metadata['docker-hosts-release']).toBe(
      '${jsonencode({"name" = "web", "image" = var.release_image, "port" = 8080, "containerPort" = 8080, "healthPath" = "/healthz"})}',
    );
    expect(t.disk[0].source_image).toBe(
      'projects/acme-docker-hosts/global/images/family/docker-host-base',
    );
    expect([t.name_prefix, t.lifecycle]).toEqual([
      'stage-docker-host-',
      { create_before_destroy: true },
    ]);
  });

  test('the release is a required variable Terraform checks for an image by digest', () => {
    const v = json.variable[RELEASE_VARIABLE];
    expect([v.type, v.default, v.nullable]).toEqual(['string', undefined, false]);
    expect(v.validation[0].condition).toContain('@sha256:[0-9a-f]{64}$');
  });

  test('the group spreads over the zones, heals by the front door health check, rolls with nothing unavailable', () => {
    const g = only(json, 'google_compute_region_instance_group_manager');
    expect(g.distribution_policy_zones).toEqual([
      'europe-west1-b',
      'europe-west1-c',
      'europe-west1-d',
    ]);
    expect(g.version).toEqual([
      {
        name: 'release',
        instance_template: '${google_compute_region_instance_template.host-template.self_link}',
      },
    ]);
    expect(g.named_port).toEqual([{ name: 'app', port: 8080 }]);
    expect(g.auto_healing_policies).toEqual({
      health_check: '${google_compute_health_check.front-door_health-check.id}',
      initial_delay_sec: 240,
    });
    expect(g.update_policy).toMatchObject({
      type: 'PROACTIVE',
      max_unavailable_fixed: 0,
      max_surge_fixed: 3,
      replacement_method: 'SUBSTITUTE',
    });
    expect(g.target_size).toBeUndefined();
  });

  test('the autoscaler keeps min to max hosts at the target', () => {
    const a = only(json, 'google_compute_region_autoscaler');
    expect(a.target).toBe('${google_compute_region_instance_group_manager.managed-group.id}');
    expect(a.autoscaling_policy).toEqual({
      min_replicas: 3,
      max_replicas: 9,
      cooldown_period: 240,
      mode: 'ON',
      load_balancing_utilization: { target: 0.7 },
    });
  });

  test("the front door's backend is the group's instance group", () => {
    const b = only(json, 'google_compute_backend_service');
    expect(b.backend).toEqual([
      {
        group: '${google_compute_region_instance_group_manager.managed-group.instance_group}',
        balancing_mode: 'UTILIZATION',
        capacity_scaler: 1,
      },
    ]);
  });

  test('a percentage surge and a CPU target', () => {
    const other = managedJson({
      managed: { minHosts: 10, maxHosts: 20, maxSurge: '20%', target: { cpu: 0.5 } },
    });
    const g = only(other, 'google_compute_region_instance_group_manager');
    expect([g.update_policy.max_surge_percent, g.update_policy.max_surge_fixed]).toEqual([
      20,
      undefined,
    ]);
    const a = only(other, 'google_compute_region_autoscaler');
    expect(a.autoscaling_policy.cpu_utilization).toEqual({ target: 0.5 });
  });
});

describe('the managed outputs contract', () => {
  const outputs = managedJson().output as Record<string, { value: unknown }>;
  /** Stands in for `cdktf output`: the references replaced by what Google would name. */
  const file = (change: Record<string, unknown> = {}) => {
    const values: Record<string, unknown> = Object.fromEntries(
      Object.entries(outputs).map(([k, o]) => [k, o.value]),
    );
    values.group = 'stage-docker-hosts';
    values.template = 'stage-docker-host-20261206223000000000000001';
    values.app_url = 'http://203.0.113.7';
    return { stage: { ...values, ...change } };
  };

  test('the outputs are exactly these, and parse', () => {
    expect(Object.keys(outputs).sort()).toEqual([
      'app_health_path',
      'app_port',
      'app_url',
      'environment',
      'fleet',
      'group',
      'project',
      'region',
      'template',
    ]);
    expect(parseFleetOutputs(file(), 'stage')).toEqual({
      fleet: 'managed',
      environment: 'stage',
      project: 'acme-docker-hosts',
      region: 'europe-west1',
      group: 'stage-docker-hosts',
      template: 'stage-docker-host-20261206223000000000000001',
      app_url: 'http://203.0.113.7',
      app_port: 9292,
      app_health_path: '/',
    });
  });

  test.each<[Record<string, unknown>, string]>([
    [{ group: undefined }, 'stack "stage": missing field "group"'],
    [{ region: 'europe-west1-b' }, 'field "region" must be a region such as europe-west1'],
    [{ app_port: '9292' }, 'output "app_port" must be a port number (1-65535), got string "9292"'],
    [{ hosts: {} }, 'output "hosts" is not an output of a managed fleet'],
    [{ fleet: 'auto' }, 'output "fleet" must be "fixed" or "managed", got string "auto"'],
  ])('%j is refused', (change, message) => {
    const bad = file(change);
    for (const [k, v] of Object.entries(change))
      if (v === undefined) delete (bad.stage as Record<string, unknown>)[k];
    expect(() => parseFleetOutputs(bad, 'stage')).toThrow(OutputsError);
    expect(() => parseFleetOutputs(bad, 'stage')).toThrow(message);
  });

  test('the fixed parser refuses a managed stack with the reason', () => {
    expect(() => parseStackOutputs(file(), 'stage')).toThrow(
      'stack "stage": is a managed fleet (output "fleet" is "managed"): it has no host list',
    );
  });
});
