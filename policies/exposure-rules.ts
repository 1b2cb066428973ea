/**
 * The exposure rules: behind a load balancer the hosts have no external IP and their app port is open to Google's
 * load-balancer ranges only; every backend service is health-checked; hosts without an external IP have a NAT.
 */
import { GOOGLE_LB_RANGES } from '../config/environment-config';
import { rulePortMatches } from './firewall';
import {
  Attributes,
  PolicyRule,
  resourcesOf,
  stacksRule,
  SynthesizedStack,
} from './terraform-json';

function list(value: unknown): Attributes[] {
  return Array.isArray(value)
    ? (value as Attributes[])
    : value !== null && typeof value === 'object'
      ? [value as Attributes]
      : [];
}

/** A stack with a backend service is behind a load balancer. */
function behindLoadBalancer(stack: SynthesizedStack): boolean {
  return resourcesOf(stack, 'google_compute_backend_service').length > 0;
}

/** The ports the load balancer sends traffic to: the (unmanaged or managed) instance groups' named ports. */
function backendPorts(stack: SynthesizedStack): number[] {
  const groups = ['google_compute_instance_group', 'google_compute_region_instance_group_manager'];
  return groups.flatMap((type) =>
    resourcesOf(stack, type).flatMap(([, attrs]) =>
      list(attrs.named_port).map((p) => Number(p.port)),
    ),
  );
}

function hasExternalIp(instance: Attributes): boolean {
  return list(instance.network_interface).some((nic) => list(nic.access_config).length > 0);
}

/** `europe-west1-b` → `europe-west1`. */
function regionOf(zone: unknown): string {
  return String(zone).replace(/-[a-z]$/, '');
}

export const EXPOSURE_RULES: readonly PolicyRule[] = [
  stacksRule(
    'DH12-lb-hosts-private',
    "Behind a load balancer no instance has an access config (external IP) and the app port is open only to Google's load-balancer ranges",
    (stacks, report) =>
      stacks.filter(behindLoadBalancer).flatMap((stack) => {
        const ports = backendPorts(stack);
        const instances = resourcesOf(stack, 'google_compute_instance')
          .filter(([, attrs]) => hasExternalIp(attrs))
          .map(([name]) =>
            report(
              stack,
              `google_compute_instance.${name}`,
              'has an access config (external IP) behind a load balancer',
            ),
          );
        const firewalls = resourcesOf(stack, 'google_compute_firewall')
          .filter(([, r]) => (r.direction ?? 'INGRESS') === 'INGRESS' && list(r.allow).length > 0)
          .filter(([, r]) => ports.some((port) => rulePortMatches(r, port)))
          .flatMap(([name, r]) => {
            const beyond = (
              Array.isArray(r.source_ranges) ? (r.source_ranges as string[]) : []
            ).filter((range) => !GOOGLE_LB_RANGES.includes(range));
            return beyond.length === 0
              ? []
              : [
                  report(
                    stack,
                    `google_compute_firewall.${name}`,
                    `opens the app port to ${beyond.join(', ')}, beyond Google's load-balancer ranges ${GOOGLE_LB_RANGES.join(', ')}`,
                  ),
                ];
          });
        return [...instances, ...firewalls];
      }),
  ),
  stacksRule(
    'DH13-backend-health-checked',
    'Every backend service has a health check',
    (stacks, report) =>
      stacks.flatMap((stack) =>
        resourcesOf(stack, 'google_compute_backend_service')
          .filter(
            ([, attrs]) => !Array.isArray(attrs.health_checks) || attrs.health_checks.length === 0,
          )
          .map(([name]) =>
            report(stack, `google_compute_backend_service.${name}`, 'has no health check'),
          ),
      ),
  ),
  stacksRule(
    'DH14-nat-for-private-hosts',
    'Instances without an external IP have a Cloud NAT in their region (apt, image pulls)',
    (stacks, report) =>
      stacks.flatMap((stack) => {
        const natRegions = new Set(
          resourcesOf(stack, 'google_compute_router_nat').map(([, attrs]) => String(attrs.region)),
        );
        return resourcesOf(stack, 'google_compute_instance')
          .filter(([, attrs]) => !hasExternalIp(attrs) && !natRegions.has(regionOf(attrs.zone)))
          .map(([name, attrs]) =>
            report(
              stack,
              `google_compute_instance.${name}`,
              `has no external IP and no Cloud NAT in ${regionOf(attrs.zone)}: it cannot reach apt or the registry`,
            ),
          );
      }),
  ),
];
