/**
 * The app's data and secrets: the hosts read exactly the secrets they are given, the data disks cannot be deleted
 * by a plan, and accessory ports stay between the fleet's own hosts. Also: which stacks may give the hosts the
 * cloud-platform scope (the one scope Secret Manager takes), used by DH4.
 */
import { coversInternet } from '../config/cidr';
import { HOST_ROLES } from '../constructs/host-service-account';
import { SECRET_ACCESSOR_ROLE } from '../constructs/secret-access';
import { rulePortMatches } from './firewall';
import {
  Attributes,
  block,
  isTrue,
  PolicyRule,
  projectRoleGrants,
  resourcesOf,
  stacksRule,
  SynthesizedStack,
} from './terraform-json';

/** `${google_service_account.<name>.email}` → the same account's `member` reference. */
function memberOf(email: unknown): string | undefined {
  const m = /^\$\{(google_service_account\.[^.}]+)\.email\}$/.exec(String(email));
  return m === null ? undefined : `\${${m[1]}.member}`;
}

/** The IAM members of the accounts the stack's instances run as. */
function hostMembers(stack: SynthesizedStack): Set<string> {
  return new Set(
    resourcesOf(stack, 'google_compute_instance').flatMap(([, attrs]) => {
      const member = memberOf(block(attrs.service_account)?.email);
      return member === undefined ? [] : [member];
    }),
  );
}

/**
 * A stack whose hosts read secrets and whose hosts' project roles are no more than HOST_ROLES: its hosts may have
 * the cloud-platform scope, IAM being what bounds them.
 */
export function cloudPlatformScopeAllowed(stack: SynthesizedStack): boolean {
  const readsSecrets = resourcesOf(stack, 'google_secret_manager_secret_iam_member').length > 0;
  const roles = resourcesOf(stack, 'google_project_iam_member').map(([, a]) => String(a.role));
  return readsSecrets && roles.every((r) => (HOST_ROLES as readonly string[]).includes(r));
}

function secretGrantProblems(attrs: Attributes, members: Set<string>): string[] {
  const problems: string[] = [];
  if (attrs.role !== SECRET_ACCESSOR_ROLE)
    problems.push(
      `grants ${String(attrs.role)}: the hosts may only read (${SECRET_ACCESSOR_ROLE})`,
    );
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(String(attrs.secret_id)))
    problems.push(`names ${JSON.stringify(attrs.secret_id)}, not one secret by its id`);
  if (!members.has(String(attrs.member)))
    problems.push(`grants to ${String(attrs.member)}, not the hosts' own service account`);
  return problems;
}

/** The disks (by address) attached to an instance whose deletion_protection is on. */
function protectedDiskAddresses(stack: SynthesizedStack): Set<string> {
  return new Set(
    resourcesOf(stack, 'google_compute_instance')
      .filter(([, attrs]) => isTrue(attrs.deletion_protection))
      .flatMap(([, attrs]) => (Array.isArray(attrs.attached_disk) ? attrs.attached_disk : []))
      .map((d: Attributes) => /^\$\{(google_compute_disk\.[^.}]+)\./.exec(String(d.source))?.[1])
      .filter((address): address is string => address !== undefined),
  );
}

export const DATA_RULES: readonly PolicyRule[] = [
  stacksRule(
    'DH19-secret-access-named',
    "Secret Manager access is secretAccessor on named secrets, to the hosts' own service account; never a project role",
    (stacks, report) =>
      stacks.flatMap((stack) => {
        const members = hostMembers(stack);
        const grants = resourcesOf(stack, 'google_secret_manager_secret_iam_member').flatMap(
          ([name, attrs]) =>
            secretGrantProblems(attrs, members).map((m) =>
              report(stack, `google_secret_manager_secret_iam_member.${name}`, m),
            ),
        );
        const projectWide = projectRoleGrants(stack, 'roles/secretmanager.').map((g) =>
          report(stack, g.address, `grants ${String(g.attrs.role)} on the whole project`),
        );
        return [...grants, ...projectWide];
      }),
  ),
  stacksRule(
    'DH20-data-disks-protected',
    "Every data disk is attached to a host whose deletion protection is on: the host's protection is the disk's",
    (stacks, report) =>
      stacks.flatMap((stack) => {
        const guarded = protectedDiskAddresses(stack);
        return resourcesOf(stack, 'google_compute_disk')
          .filter(([name]) => !guarded.has(`google_compute_disk.${name}`))
          .map(([name]) =>
            report(
              stack,
              `google_compute_disk.${name}`,
              'is not attached to a host with deletion_protection on: a plan may delete it and its data',
            ),
          );
      }),
  ),
  stacksRule(
    'DH21-internal-ports-not-public',
    'Ports opened between the fleet hosts (accessories: a source tag, no source range) are not open to the internet',
    (stacks, report) =>
      stacks.flatMap((stack) => {
        const rules = resourcesOf(stack, 'google_compute_firewall').filter(isIngressAllow);
        const internal = rules.filter(([, a]) => strings(a.source_tags).length > 0);
        const ports = internal.flatMap(([, a]) => allowedPorts(a));
        return rules
          .filter(([, a]) => coversInternet(strings(a.source_ranges)))
          .flatMap(([name, a]) => {
            const open = ports.filter((p) => rulePortMatches(a, p));
            if (open.length === 0) return [];
            const message = `opens the fleet-internal port(s) ${open.join(', ')} to the internet`;
            return [report(stack, `google_compute_firewall.${name}`, message)];
          });
      }),
  ),
];

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function isIngressAllow([, attrs]: [string, Attributes]): boolean {
  return (attrs.direction ?? 'INGRESS') === 'INGRESS' && Array.isArray(attrs.allow);
}

/** The single tcp ports a rule allows (the accessory rule lists each). */
function allowedPorts(attrs: Attributes): number[] {
  return (attrs.allow as Attributes[]).flatMap((a) =>
    a.protocol === 'tcp' ? strings(a.ports).map(Number).filter(Number.isInteger) : [],
  );
}
