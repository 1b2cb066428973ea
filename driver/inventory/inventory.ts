/**
 * Stack outputs -> Ansible inventory. The outputs and their parser are stacks/outputs.ts's (the contract).
 * These functions are pure: no I/O. The CLI (driver/inventory/inventory-cli.ts) and the driver do the I/O.
 */
import { DEFAULTS } from '../../config/defaults';
import type { StackOutputs } from '../../stacks/outputs';
import { routeAnsibleArgs, sshRoute } from '../fleet/ssh-route';

/** The Ansible group of an environment: `env_<environment>` with `-` turned into `_`. */
export function envGroupName(environment: string): string {
  return `env_${environment.replace(/-/g, '_')}`;
}

/** The health-check path of outputs written before `app_health_path` existed (the config's default). */
export const DEFAULT_HEALTH_PATH = DEFAULTS.app.healthCheckPath;

/** The group every Docker host is in; the playbooks target it. */
export const HOSTS_GROUP = 'docker_hosts';

// JSON string literals are valid YAML double-quoted scalars: safe quoting for any value.
const q = (s: string): string => JSON.stringify(s);

/**
 * Renders a YAML inventory: group `docker_hosts` with every host (`ansible_host` = external IP, or the internal IP
 * behind a load balancer; `ansible_user` = the stack's ssh user) and the group vars `app_port` and
 * `app_health_path`, plus the group
 * `env_<environment>` holding the same hosts. Deterministic: hosts sorted by name.
 * A host gets `ansible_ssh_common_args` when it has an `instance_id` (HostKeyAlias) and/or
 * `ssh_via` is `iap` (ProxyCommand): one string holding both; and `docker_host_data_disk` (the GCE device name)
 * when it has a data disk.
 */
export function renderInventory(outputs: StackOutputs): string {
  const names = Object.keys(outputs.hosts).sort();
  const envGroup = envGroupName(outputs.environment);
  const lines: string[] = [
    `# Generated from the outputs of the ${q(outputs.environment)} stack by driver/inventory/inventory-cli.ts. Do not edit.`,
    '---',
    'all:',
    '  children:',
    `    ${HOSTS_GROUP}:`,
  ];
  if (names.length === 0) {
    lines.push('      hosts: {}');
  } else {
    lines.push('      hosts:');
    for (const name of names) {
      const host = outputs.hosts[name];
      lines.push(
        `        ${name}:`,
        // Behind a load balancer a host has only its internal IP, reached through the IAP tunnel (ssh_via iap).
        `          ansible_host: ${q(host.external_ip ?? host.internal_ip)}`,
        `          ansible_user: ${q(outputs.ssh_user)}`,
      );
      const sshArgs = routeAnsibleArgs(sshRoute(outputs, host));
      if (sshArgs !== undefined) lines.push(`          ansible_ssh_common_args: ${q(sshArgs)}`);
      // The docker_host role formats and mounts this device as the data dir (role default "": none).
      if (host.data_disk !== undefined)
        lines.push(`          docker_host_data_disk: ${q(host.data_disk)}`);
    }
  }
  lines.push(
    '      vars:',
    `        app_port: ${outputs.app_port}`,
    `        app_health_path: ${q(outputs.app_health_path ?? DEFAULT_HEALTH_PATH)}`,
    `    ${envGroup}:`,
  );
  if (names.length === 0) {
    lines.push('      hosts: {}');
  } else {
    lines.push('      hosts:');
    for (const name of names) lines.push(`        ${name}: {}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where the gcp_compute inventory template lives, relative to the repository root. */
export const GCP_TEMPLATE = 'ansible/inventory/gcp_compute.yml.template';

/** The gcp_compute inventory of one environment: the template with `__ENV__` replaced by the environment's name. */
export function renderGcpInventory(template: string, environment: string): string {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(environment)) {
    throw new Error(
      `--gcp: "${environment}" is not an environment name (lowercase letters, digits, hyphens)`,
    );
  }
  return template.replace(/__ENV__/g, environment);
}
