import { coversInternet, WIDEST_ADMIN_PREFIX } from '../config/cidr';
import { cloudPlatformScopeAllowed, DATA_RULES } from './data-rules';
import { EXPOSURE_RULES } from './exposure-rules';
import { MANAGED_RULES } from './managed-rules';
import { REGISTRY_RULES } from './registry-rules';
import {
  Attributes,
  block,
  Finding,
  isTrue,
  PolicyRule,
  resourceRule,
  resourcesOf,
  stacksRule,
} from './terraform-json';

export type { Finding, PolicyRule, StackJson, SynthesizedStack } from './terraform-json';

/**
 * Security policy rules checked against every synthesized stack before anything is written.
 * Each rule reads the Terraform JSON as the ops reviewer sees it and returns its findings.
 */

function metadataOf(attrs: Attributes): Attributes {
  return block(attrs.metadata) ?? {};
}

function rangesOf(attrs: Attributes): string[] {
  return Array.isArray(attrs.source_ranges) ? (attrs.source_ranges as string[]) : [];
}

function listed(ranges: readonly string[]): string {
  return ranges.length <= 4
    ? ranges.join(', ')
    : `${ranges.slice(0, 4).join(', ')} and ${ranges.length - 4} more`;
}

function allowsPort(attrs: Attributes, port: number): boolean {
  const allows = Array.isArray(attrs.allow) ? (attrs.allow as Attributes[]) : [];
  return allows.some((a) => {
    if (a.protocol === 'all') return true;
    if (a.protocol !== 'tcp') return false;
    const ports = Array.isArray(a.ports) ? (a.ports as string[]) : [];
    if (ports.length === 0) return true;
    return ports.some((p) => {
      const [lo, hi] = String(p).split('-').map(Number);
      return port >= lo && port <= (hi ?? lo);
    });
  });
}

/** A deny-all ingress rule from anywhere that outranks the default network's allow rules (priority 65534). */
function isDefaultDeny(attrs: Attributes): boolean {
  const denies = Array.isArray(attrs.deny) ? (attrs.deny as Attributes[]) : [];
  const ranges = rangesOf(attrs);
  const priority = typeof attrs.priority === 'number' ? attrs.priority : 1000;
  return (
    (attrs.direction ?? 'INGRESS') === 'INGRESS' &&
    denies.some((d) => d.protocol === 'all') &&
    ranges.includes('0.0.0.0/0') &&
    priority < 65534
  );
}

function accountProblems(attrs: Attributes, cloudPlatformAllowed: boolean): string[] {
  const sa = block(attrs.service_account);
  if (sa === undefined || typeof sa.email !== 'string' || sa.email === '') {
    return ['has no explicit service account (the default compute account would be used)'];
  }
  const problems: string[] = [];
  if (/-compute@developer\.gserviceaccount\.com$/.test(sa.email))
    problems.push('uses the default compute service account');
  const scopes = Array.isArray(sa.scopes) ? (sa.scopes as string[]) : [];
  const broad = scopes.some((s) => s === 'cloud-platform' || s.endsWith('/auth/cloud-platform'));
  if (broad && !cloudPlatformAllowed) problems.push('has the cloud-platform scope');
  return problems;
}

export const RULES: readonly PolicyRule[] = [
  // The union over every SSH ingress rule of a stack counts, as in the config check: ranges split across
  // rules, or the internet cut into /8s, are the internet all the same.
  stacksRule(
    'DH1-ssh-not-open-to-world',
    `No stack lets SSH (tcp/22) in from ranges that together cover more than one /${WIDEST_ADMIN_PREFIX} (0.0.0.0/0, ::/0, 256 /8s, …)`,
    (stacks, report) =>
      stacks.flatMap((stack) => {
        const sshRules = resourcesOf(stack, 'google_compute_firewall').filter(
          ([, attrs]) => (attrs.direction ?? 'INGRESS') === 'INGRESS' && allowsPort(attrs, 22),
        );
        if (!coversInternet(sshRules.flatMap(([, attrs]) => rangesOf(attrs)))) return [];
        return sshRules.map(([name, attrs]) =>
          report(
            stack,
            `google_compute_firewall.${name}`,
            `allows SSH from ${listed(rangesOf(attrs))} (with the stack's SSH rules: more than one /${WIDEST_ADMIN_PREFIX}, the internet)`,
          ),
        );
      }),
  ),
  resourceRule(
    'DH2-state-bucket-hardened',
    'google_storage_bucket',
    'Buckets are versioned, uniform-access, public-access-prevented, not force-destroyed and prevent_destroy',
    (attrs) => {
      const problems: string[] = [];
      if (!isTrue(block(attrs.versioning)?.enabled)) problems.push('versioning is not enabled');
      if (!isTrue(attrs.uniform_bucket_level_access))
        problems.push('uniform_bucket_level_access is not true');
      if (attrs.public_access_prevention !== 'enforced')
        problems.push('public_access_prevention is not "enforced"');
      if (isTrue(attrs.force_destroy)) problems.push('force_destroy is true');
      if (!isTrue(block(attrs.lifecycle)?.prevent_destroy))
        problems.push('lifecycle.prevent_destroy is not true');
      return problems;
    },
  ),
  resourceRule(
    'DH3-shielded-vm',
    'google_compute_instance',
    'Instances use secure boot, vTPM and integrity monitoring',
    (attrs) => {
      const shielded = block(attrs.shielded_instance_config);
      return ['enable_secure_boot', 'enable_vtpm', 'enable_integrity_monitoring']
        .filter((k) => !isTrue(shielded?.[k]))
        .map((k) => `shielded_instance_config.${k} is not true`);
    },
  ),
  stacksRule(
    'DH4-dedicated-service-account',
    'Instances run as a dedicated service account, not the default compute account, without cloud-platform scope ' +
      '(unless they read Secret Manager, which takes no other scope, and IAM keeps the account narrow)',
    (stacks, report) =>
      stacks.flatMap((stack) =>
        resourcesOf(stack, 'google_compute_instance').flatMap(([name, attrs]) =>
          accountProblems(attrs, cloudPlatformScopeAllowed(stack)).map((m) =>
            report(stack, `google_compute_instance.${name}`, m),
          ),
        ),
      ),
  ),
  resourceRule(
    'DH5-no-project-ssh-keys',
    'google_compute_instance',
    'Instances block project-wide SSH keys',
    (attrs) =>
      isTrue(metadataOf(attrs)['block-project-ssh-keys'])
        ? []
        : ['metadata block-project-ssh-keys is not TRUE'],
  ),
  resourceRule(
    'DH6-serial-port-disabled',
    'google_compute_instance',
    'Instances keep the interactive serial console off',
    (attrs) =>
      isTrue(metadataOf(attrs)['serial-port-enable']) ? ['metadata serial-port-enable is on'] : [],
  ),
  resourceRule(
    'DH7-no-ip-forwarding',
    'google_compute_instance',
    'Instances do not forward IP packets',
    (attrs) => (isTrue(attrs.can_ip_forward) ? ['can_ip_forward is true'] : []),
  ),
  stacksRule(
    'DH9-default-deny-ingress',
    "Every instance's tags carry a deny-all ingress rule from 0.0.0.0/0 that outranks the default network's allows",
    (stacks, report) =>
      stacks.flatMap((stack) => {
        const denyTags = new Set(
          resourcesOf(stack, 'google_compute_firewall')
            .map(([, attrs]) => attrs)
            .filter(isDefaultDeny)
            .flatMap((attrs) =>
              Array.isArray(attrs.target_tags) ? (attrs.target_tags as string[]) : [],
            ),
        );
        return resourcesOf(stack, 'google_compute_instance')
          .filter(
            ([, attrs]) =>
              !(Array.isArray(attrs.tags) && (attrs.tags as string[]).some((t) => denyTags.has(t))),
          )
          .map(([name]) =>
            report(
              stack,
              `google_compute_instance.${name}`,
              "has no deny-all ingress rule for its tags: the network's other allow rules reach it",
            ),
          );
      }),
  ),
  stacksRule(
    'DH8-state-isolated',
    'Every stack with GCS state writes to its own bucket/prefix, named after the stack',
    (stacks, report) => {
      const findings: Finding[] = [];
      const owners = new Map<string, string>();
      for (const stack of stacks) {
        const gcs = stack.json.terraform?.backend?.gcs;
        if (gcs === undefined) continue;
        const where = `gs://${String(gcs.bucket)}/${String(gcs.prefix)}`;
        const finding = (message: string) =>
          findings.push(report(stack, 'terraform.backend.gcs', message));
        if (typeof gcs.prefix !== 'string' || !gcs.prefix.split('/').includes(stack.name)) {
          finding(`state prefix ${String(gcs.prefix)} does not name the stack "${stack.name}"`);
        }
        const owner = owners.get(where);
        if (owner !== undefined)
          finding(`state location ${where} is also used by stack "${owner}"`);
        owners.set(where, stack.name);
      }
      return findings;
    },
  ),
  ...REGISTRY_RULES,
  ...EXPOSURE_RULES,
  ...MANAGED_RULES,
  ...DATA_RULES,
];
