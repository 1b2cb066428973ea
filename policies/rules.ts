import { WIDEST_ADMIN_PREFIX } from '../config/environment-config';
import { REGISTRY_RULES } from './registry-rules';
import { Attributes, block, Finding, forEachResource, isTrue, PolicyRule, resourcesOf } from './terraform-json';

export type { Finding, PolicyRule, StackJson, SynthesizedStack } from './terraform-json';

/**
 * Security policy rules checked against every synthesized stack before anything is written.
 * Each rule reads the Terraform JSON as the ops reviewer sees it and returns its findings.
 */

function metadataOf(attrs: Attributes): Attributes {
  return block(attrs.metadata) ?? {};
}

/** The internet, or a range wider than a /8 (0.0.0.0/1 + 128.0.0.0/1 is the internet too). */
function isWorldLike(range: string): boolean {
  if (range === '::/0') return true;
  const prefix = Number(range.split('/')[1]);
  return range.includes('.') && Number.isInteger(prefix) && prefix < WIDEST_ADMIN_PREFIX;
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

export const RULES: readonly PolicyRule[] = [
  {
    id: 'DH1-ssh-not-open-to-world',
    description: 'No firewall rule lets SSH (tcp/22) in from 0.0.0.0/0, ::/0 or any range wider than a /8',
    check: (stacks) =>
      forEachResource(stacks, 'google_compute_firewall', 'DH1-ssh-not-open-to-world', (attrs) => {
        const ranges = Array.isArray(attrs.source_ranges) ? (attrs.source_ranges as string[]) : [];
        const direction = attrs.direction ?? 'INGRESS';
        return direction === 'INGRESS' && allowsPort(attrs, 22) && ranges.some(isWorldLike)
          ? [`allows SSH from ${ranges.filter(isWorldLike).join(', ')}`]
          : [];
      }),
  },
  {
    id: 'DH2-state-bucket-hardened',
    description:
      'Buckets are versioned, uniform-access, public-access-prevented, not force-destroyed and prevent_destroy',
    check: (stacks) =>
      forEachResource(stacks, 'google_storage_bucket', 'DH2-state-bucket-hardened', (attrs) => {
        const problems: string[] = [];
        if (!isTrue(block(attrs.versioning)?.enabled)) problems.push('versioning is not enabled');
        if (!isTrue(attrs.uniform_bucket_level_access)) problems.push('uniform_bucket_level_access is not true');
        if (attrs.public_access_prevention !== 'enforced') problems.push('public_access_prevention is not "enforced"');
        if (isTrue(attrs.force_destroy)) problems.push('force_destroy is true');
        if (!isTrue(block(attrs.lifecycle)?.prevent_destroy)) problems.push('lifecycle.prevent_destroy is not true');
        return problems;
      }),
  },
  {
    id: 'DH3-shielded-vm',
    description: 'Instances use secure boot, vTPM and integrity monitoring',
    check: (stacks) =>
      forEachResource(stacks, 'google_compute_instance', 'DH3-shielded-vm', (attrs) => {
        const shielded = block(attrs.shielded_instance_config);
        return ['enable_secure_boot', 'enable_vtpm', 'enable_integrity_monitoring']
          .filter((k) => !isTrue(shielded?.[k]))
          .map((k) => `shielded_instance_config.${k} is not true`);
      }),
  },
  {
    id: 'DH4-dedicated-service-account',
    description:
      'Instances run as a dedicated service account, not the default compute account, without cloud-platform scope',
    check: (stacks) =>
      forEachResource(stacks, 'google_compute_instance', 'DH4-dedicated-service-account', (attrs) => {
        const sa = block(attrs.service_account);
        if (sa === undefined || typeof sa.email !== 'string' || sa.email === '') {
          return ['has no explicit service account (the default compute account would be used)'];
        }
        const problems: string[] = [];
        if (/-compute@developer\.gserviceaccount\.com$/.test(sa.email))
          problems.push('uses the default compute service account');
        const scopes = Array.isArray(sa.scopes) ? (sa.scopes as string[]) : [];
        if (scopes.some((s) => s === 'cloud-platform' || s.endsWith('/auth/cloud-platform'))) {
          problems.push('has the cloud-platform scope');
        }
        return problems;
      }),
  },
  {
    id: 'DH5-no-project-ssh-keys',
    description: 'Instances block project-wide SSH keys',
    check: (stacks) =>
      forEachResource(stacks, 'google_compute_instance', 'DH5-no-project-ssh-keys', (attrs) =>
        isTrue(metadataOf(attrs)['block-project-ssh-keys']) ? [] : ['metadata block-project-ssh-keys is not TRUE'],
      ),
  },
  {
    id: 'DH6-serial-port-disabled',
    description: 'Instances keep the interactive serial console off',
    check: (stacks) =>
      forEachResource(stacks, 'google_compute_instance', 'DH6-serial-port-disabled', (attrs) =>
        isTrue(metadataOf(attrs)['serial-port-enable']) ? ['metadata serial-port-enable is on'] : [],
      ),
  },
  {
    id: 'DH7-no-ip-forwarding',
    description: 'Instances do not forward IP packets',
    check: (stacks) =>
      forEachResource(stacks, 'google_compute_instance', 'DH7-no-ip-forwarding', (attrs) =>
        isTrue(attrs.can_ip_forward) ? ['can_ip_forward is true'] : [],
      ),
  },
  {
    id: 'DH9-default-deny-ingress',
    description:
      "Every instance's tags carry a deny-all ingress rule from 0.0.0.0/0 that outranks the default network's allows",
    check: (stacks) =>
      stacks.flatMap((stack) => {
        const denyTags = new Set(
          resourcesOf(stack, 'google_compute_firewall')
            .map(([, attrs]) => attrs)
            .filter((attrs) => {
              const denies = Array.isArray(attrs.deny) ? (attrs.deny as Attributes[]) : [];
              const ranges = Array.isArray(attrs.source_ranges) ? (attrs.source_ranges as string[]) : [];
              const priority = typeof attrs.priority === 'number' ? attrs.priority : 1000;
              return (
                (attrs.direction ?? 'INGRESS') === 'INGRESS' &&
                denies.some((d) => d.protocol === 'all') &&
                ranges.includes('0.0.0.0/0') &&
                priority < 65534
              );
            })
            .flatMap((attrs) => (Array.isArray(attrs.target_tags) ? (attrs.target_tags as string[]) : [])),
        );
        return resourcesOf(stack, 'google_compute_instance')
          .filter(([, attrs]) => !(Array.isArray(attrs.tags) && (attrs.tags as string[]).some((t) => denyTags.has(t))))
          .map(([name]) => ({
            rule: 'DH9-default-deny-ingress',
            stack: stack.name,
            address: `google_compute_instance.${name}`,
            message: "has no deny-all ingress rule for its tags: the network's other allow rules reach it",
          }));
      }),
  },
  {
    id: 'DH8-state-isolated',
    description: 'Every stack with GCS state writes to its own bucket/prefix, named after the stack',
    check: (stacks) => {
      const findings: Finding[] = [];
      const owners = new Map<string, string>();
      for (const stack of stacks) {
        const gcs = stack.json.terraform?.backend?.gcs;
        if (gcs === undefined) continue;
        const where = `gs://${String(gcs.bucket)}/${String(gcs.prefix)}`;
        const finding = (message: string) =>
          findings.push({ rule: 'DH8-state-isolated', stack: stack.name, address: 'terraform.backend.gcs', message });
        if (typeof gcs.prefix !== 'string' || !gcs.prefix.split('/').includes(stack.name)) {
          finding(`state prefix ${String(gcs.prefix)} does not name the stack "${stack.name}"`);
        }
        const owner = owners.get(where);
        if (owner !== undefined) finding(`state location ${where} is also used by stack "${owner}"`);
        owners.set(where, stack.name);
      }
      return findings;
    },
  },
  ...REGISTRY_RULES,
];
