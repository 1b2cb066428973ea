import { EnvironmentConfig, ProjectConfig } from '../../config';
import { assertEqual } from './harness';
import { plannedValues } from './plan';
import { hostNames } from './plan-expect';

/** Health checks and the load balancer's proxies reach the hosts from Google's documented ranges only. */
const LB_RANGES = ['130.211.0.0/22', '35.191.0.0/16'];

/** The safety values of an environment's plan, as the provider resolved them. */
export function environmentSafety(env: EnvironmentConfig, plan: Record<string, any>): void {
  const tag = [`docker-host-${env.name}`];
  const fw = (n: string) => plannedValues(plan, `google_compute_firewall.firewall_${n}`);
  const appRanges = env.exposure === 'load-balancer' ? LB_RANGES : env.appSourceRanges;
  assertEqual(
    fw('app').source_ranges.slice().sort(),
    [...appRanges].sort(),
    'app firewall source ranges',
  );
  assertEqual(
    fw('app').allow,
    [{ ports: [String(env.app.port)], protocol: 'tcp' }],
    'app firewall ports',
  );
  assertEqual(
    fw('ssh').source_ranges.slice().sort(),
    [...env.sshSourceRanges].sort(),
    'ssh firewall source ranges',
  );
  assertEqual(
    fw('deny-other-ingress').deny,
    [{ ports: [], protocol: 'all' }],
    'deny-other-ingress',
  );
  for (const n of ['app', 'ssh', 'deny-other-ingress'])
    assertEqual(fw(n).target_tags, tag, `${n} target tags`);
  for (const host of hostNames(env))
    instanceSafety(env, plannedValues(plan, `google_compute_instance.fleet_${host}`));
}

function instanceSafety(env: EnvironmentConfig, i: Record<string, any>): void {
  const expectedMetadata: Record<string, string> = {
    'block-project-ssh-keys': 'TRUE',
    'enable-oslogin': env.ssh.osLogin ? 'TRUE' : 'FALSE',
    'serial-port-enable': 'FALSE',
  };
  if (!env.ssh.osLogin)
    expectedMetadata['ssh-keys'] = env.ssh.publicKeys.map((k) => `${env.ssh.user}:${k}`).join('\n');
  assertEqual(i.metadata, expectedMetadata, `${i.name}: metadata`);
  const ip =
    env.exposure === 'public-ips'
      ? [{ network_tier: 'PREMIUM', public_ptr_domain_name: null }]
      : [];
  assertEqual(i.network_interface[0].access_config, ip, `${i.name}: access_config`);
  assertEqual(i.network_interface[0].network, env.network, `${i.name}: network`);
  // Secret Manager takes only the cloud-platform scope: hosts that read secrets have it, and only they.
  const readsSecrets =
    env.app.secrets.length + env.accessories.flatMap((a) => a.secrets).length > 0;
  assertEqual(
    i.service_account,
    [
      {
        email: `docker-hosts-${env.name}@${env.projectId}.iam.gserviceaccount.com`,
        scopes: [
          ...(readsSecrets ? ['https://www.googleapis.com/auth/cloud-platform'] : []),
          'https://www.googleapis.com/auth/logging.write',
          'https://www.googleapis.com/auth/monitoring.write',
        ],
      },
    ],
    `${i.name}: service account`,
  );
  const disk = env.dataDisk?.hosts.includes(i.name) ? ['docker-hosts-data'] : [];
  assertEqual(
    (i.attached_disk ?? []).map((d: Record<string, any>) => d.device_name),
    disk,
    `${i.name}: attached data disk`,
  );
  const shielded = {
    enable_integrity_monitoring: true,
    enable_secure_boot: true,
    enable_vtpm: true,
  };
  assertEqual(i.shielded_instance_config, [shielded], `${i.name}: shielded VM`);
  assertEqual(i.deletion_protection, env.deletionProtection, `${i.name}: deletion_protection`);
  for (const [k, v] of Object.entries(env.labels))
    assertEqual(i.labels[k], v, `${i.name}: label ${k}`);
}

/** Every state bucket: versioned, never public, uniform access, never destroyed with its objects. */
export function backendSafety(config: ProjectConfig, plan: Record<string, any>): void {
  for (const project of new Set(config.environments.map((e) => e.projectId))) {
    const b = plannedValues(plan, `google_storage_bucket.${project}-tfstate`);
    assertEqual(b.versioning, [{ enabled: true }], `${project}: state bucket versioning`);
    assertEqual(b.public_access_prevention, 'enforced', `${project}: public access prevention`);
    assertEqual(b.uniform_bucket_level_access, true, `${project}: uniform bucket-level access`);
    assertEqual(b.force_destroy, false, `${project}: force_destroy`);
  }
}
