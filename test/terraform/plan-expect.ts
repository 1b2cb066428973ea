import { EnvironmentConfig, ProjectConfig } from '../../config';

/** The resource addresses a config's stack must plan to create, derived from the config (not from any output). */
export function expectedAddresses(config: ProjectConfig, stack: string): string[] {
  const projects = [...new Set(config.environments.map((e) => e.projectId))];
  if (stack === 'backend') return projects.map((p) => `google_storage_bucket.${p}-tfstate`).sort();
  if (stack === 'registry')
    return projects.map((p) => `google_artifact_registry_repository.${p}`).sort();
  const env = config.environments.find((e) => e.name === stack);
  if (env === undefined) throw new Error(`no environment ${stack}`);
  return environmentAddresses(env).sort();
}

/** Host names as the fleet numbers them: docker-host-001 … */
export function hostNames(env: EnvironmentConfig): string[] {
  return Array.from(
    { length: env.hostCount },
    (_, i) => `docker-host-${String(i + 1).padStart(3, '0')}`,
  );
}

function environmentAddresses(env: EnvironmentConfig): string[] {
  const common = [
    'google_artifact_registry_repository_iam_member.registry-reader',
    'google_compute_firewall.firewall_app',
    'google_compute_firewall.firewall_deny-other-ingress',
    'google_compute_firewall.firewall_ssh',
    'google_project_iam_member.service-account_logging-logWriter',
    'google_project_iam_member.service-account_monitoring-metricWriter',
    'google_service_account.service-account',
  ];
  if (env.fleet === 'managed') return common.concat(managedAddresses(), frontDoorAddresses(env));
  const hosts = hostNames(env)
    .map((h) => `google_compute_instance.fleet_${h}`)
    .concat(dataAddresses(env));
  if (env.exposure === 'public-ips')
    return common.concat(
      hosts,
      hostNames(env).map((h) => `google_compute_address.fleet_${h}_address`),
    );
  return common.concat(hosts, frontDoorAddresses(env));
}

/** The managed fleet: template, regional group and autoscaler (the front door serves the group). */
function managedAddresses(): string[] {
  return [
    'google_compute_region_autoscaler.autoscaler',
    'google_compute_region_instance_group_manager.managed-group',
    'google_compute_region_instance_template.host-template',
  ];
}

/** Data disks with their snapshot policy, secret grants, and the accessories' firewall rule. */
function dataAddresses(env: EnvironmentConfig): string[] {
  const disks = (env.dataDisk?.hosts ?? []).flatMap((h) => [
    `google_compute_disk.data-disks_${h}`,
    `google_compute_disk_resource_policy_attachment.data-disks_${h}_snapshots`,
  ]);
  const policy =
    env.dataDisk === undefined ? [] : ['google_compute_resource_policy.data-disks_snapshots'];
  const refs = env.app.secrets.concat(env.accessories.flatMap((a) => a.secrets));
  const secrets = [...new Set(refs.map((r) => r.secret))].map(
    (id) => `google_secret_manager_secret_iam_member.secret-access_${id}`,
  );
  const ports = env.accessories.some((a) => a.port !== undefined)
    ? ['google_compute_firewall.firewall_accessories']
    : [];
  return disks.concat(policy, secrets, ports);
}

/** The front door; its backends are one unmanaged group in the environment's zone, or the managed group. */
function frontDoorAddresses(env: EnvironmentConfig): string[] {
  const lb = [
    'google_compute_backend_service.front-door_backend',
    'google_compute_global_address.front-door_address',
    'google_compute_global_forwarding_rule.front-door_http',
    'google_compute_health_check.front-door_health-check',
    'google_compute_router.nat_router',
    'google_compute_router_nat.nat_nat',
    'google_compute_target_http_proxy.front-door_http-proxy',
    'google_compute_url_map.front-door_url-map',
  ];
  if (env.fleet === 'fixed') lb.push(`google_compute_instance_group.front-door_group-${env.zone}`);
  if (env.domain === undefined) return lb;
  return lb.concat([
    'google_compute_global_forwarding_rule.front-door_https',
    'google_compute_managed_ssl_certificate.front-door_certificate',
    'google_compute_ssl_policy.front-door_ssl-policy',
    'google_compute_target_https_proxy.front-door_https-proxy',
    'google_compute_url_map.front-door_redirect',
  ]);
}
