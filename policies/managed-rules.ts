/**
 * The managed fleet's rules: its instance templates have no external IP and run as the fleet's own service account
 * (made in the same stack), and its managed instance groups heal by a health check and roll a new template
 * without taking a host away first (max unavailable 0).
 */
import {
  Attributes,
  block,
  PolicyRule,
  resourcesOf,
  stacksRule,
  SynthesizedStack,
} from './terraform-json';

/** The instance template types (global and regional) and the managed group types (zonal and regional). */
const TEMPLATES = ['google_compute_instance_template', 'google_compute_region_instance_template'];
const GROUPS = [
  'google_compute_instance_group_manager',
  'google_compute_region_instance_group_manager',
];

function list(value: unknown): Attributes[] {
  if (Array.isArray(value)) return value as Attributes[];
  return value !== null && typeof value === 'object' ? [value as Attributes] : [];
}

/** Every resource of these types in the stack, with its Terraform address. */
function each(stack: SynthesizedStack, types: readonly string[]): [string, Attributes][] {
  return types.flatMap((type) =>
    resourcesOf(stack, type).map(([name, attrs]): [string, Attributes] => [
      `${type}.${name}`,
      attrs,
    ]),
  );
}

/** A rule that judges each template or group of a stack on its own, with the stack at hand. */
function managedRule(
  id: string,
  types: readonly string[],
  description: string,
  problems: (attrs: Attributes, stack: SynthesizedStack) => string[],
): PolicyRule {
  return stacksRule(id, description, (stacks, report) =>
    stacks.flatMap((stack) =>
      each(stack, types).flatMap(([address, attrs]) =>
        problems(attrs, stack).map((message) => report(stack, address, message)),
      ),
    ),
  );
}

/** `${google_service_account.<name>.email}` of a service account of this stack, or undefined. */
function ownAccount(stack: SynthesizedStack, email: unknown): string | undefined {
  const name = /^\$\{google_service_account\.([^.}]+)\.email\}$/.exec(String(email))?.[1];
  return name !== undefined &&
    resourcesOf(stack, 'google_service_account').some(([n]) => n === name)
    ? name
    : undefined;
}

function surgeProblems(policy: Attributes | undefined): string[] {
  if (policy === undefined) return ['has no update_policy'];
  const problems: string[] = [];
  if (policy.max_unavailable_fixed !== 0)
    problems.push(
      `update_policy.max_unavailable_fixed is ${JSON.stringify(policy.max_unavailable_fixed)}, not 0: a rollout would take hosts away before their replacements serve`,
    );
  if (policy.max_unavailable_percent !== undefined)
    problems.push('update_policy.max_unavailable_percent is set');
  return problems;
}

export const MANAGED_RULES: readonly PolicyRule[] = [
  managedRule(
    'DH15-template-no-external-ip',
    TEMPLATES,
    'Instance templates give their hosts no external IP (no access config): they sit behind the load balancer',
    (attrs) =>
      list(attrs.network_interface).some((nic) => list(nic.access_config).length > 0)
        ? ['has an access config (external IP)']
        : [],
  ),
  managedRule(
    'DH16-group-autohealing',
    GROUPS,
    'Managed instance groups heal by a health check (auto_healing_policies), with an initial delay',
    (attrs) => {
      const healing = block(attrs.auto_healing_policies);
      if (healing === undefined || typeof healing.health_check !== 'string')
        return ['has no auto_healing_policies health check: a dead host is never replaced'];
      return typeof healing.initial_delay_sec === 'number'
        ? []
        : [
            'auto_healing_policies has no initial_delay_sec: a booting host would be judged at once',
          ];
    },
  ),
  managedRule(
    'DH17-group-max-unavailable-zero',
    GROUPS,
    'Managed instance groups roll a new template with max unavailable 0 (new hosts first)',
    (attrs) => surgeProblems(block(attrs.update_policy)),
  ),
  managedRule(
    'DH18-template-own-service-account',
    TEMPLATES,
    "Instance templates run as the fleet's own service account (made in the same stack), without cloud-platform scope",
    (attrs, stack) => {
      const sa = block(attrs.service_account);
      const problems: string[] = [];
      if (ownAccount(stack, sa?.email) === undefined)
        problems.push(
          `runs as ${JSON.stringify(sa?.email ?? 'the default compute account')}, not a service account of this stack`,
        );
      const scopes = Array.isArray(sa?.scopes) ? (sa.scopes as string[]) : [];
      if (scopes.some((s) => s === 'cloud-platform' || s.endsWith('/auth/cloud-platform')))
        problems.push('has the cloud-platform scope');
      return problems;
    },
  ),
];
