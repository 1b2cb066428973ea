/**
 * The front-door rows of the exposure section: for each stack behind a load balancer, what listens on the internet
 * (forwarding rule, protocol, certificate or "HTTP only (no domain)") and where it sends traffic. Pure.
 */
import { SynthesizedStack } from '../policies/rules';
import { Attrs, block, reference, resource, resources, strings } from './stack-json';

function targetOf(
  stack: SynthesizedStack,
  rule: Attrs,
): { address: string; attrs: Attrs | undefined } {
  const address = reference(rule.target)?.address ?? String(rule.target);
  return { address, attrs: resource(stack, address) };
}

/** The backends: a managed group (its size and autohealing), or how many unmanaged instance groups. */
function groupsOf(stack: SynthesizedStack, backend: Attrs): string {
  const groups = Array.isArray(backend.backend) ? (backend.backend as Attrs[]) : [];
  const managed = groups
    .map((g) => reference(g.group)?.address)
    .filter((a) => a?.startsWith('google_compute_region_instance_group_manager.') === true)
    .map((a) => {
      const group = resource(stack, a ?? '');
      const scaler = resources(stack, 'google_compute_region_autoscaler').find(
        ([, r]) => reference(r.target)?.address === a,
      )?.[1];
      const policy = block(scaler?.autoscaling_policy);
      const size =
        policy === undefined
          ? 'not autoscaled'
          : `${String(policy.min_replicas)}-${String(policy.max_replicas)} hosts, autoscaled`;
      const healing =
        block(group?.auto_healing_policies) === undefined ? 'NO autohealing' : 'autohealing';
      return `managed group ${String(group?.name)} (${size}, ${healing})`;
    });
  if (managed.length > 0) return managed.join(', ');
  return `${groups.length} instance ${groups.length === 1 ? 'group' : 'groups'}`;
}

/** What a URL map does: redirect to HTTPS, or send to a backend service (named with its health check and backends). */
function urlMapAction(stack: SynthesizedStack, urlMapRef: unknown): string {
  const address = reference(urlMapRef)?.address;
  const urlMap = address === undefined ? undefined : resource(stack, address);
  if (urlMap === undefined) return `URL map ${String(urlMapRef)}`;
  if (block(urlMap.default_url_redirect)?.https_redirect === true) return 'redirects to HTTPS';
  const backendAddress = reference(urlMap.default_service)?.address;
  const backend = backendAddress === undefined ? undefined : resource(stack, backendAddress);
  if (backend === undefined) return `backend ${String(urlMap.default_service)}`;
  const checks = strings(backend.health_checks).map((c) => {
    const hc = resource(stack, reference(c)?.address ?? '');
    const http = block(hc?.http_health_check);
    return http === undefined ? c : `HTTP :${String(http.port)}${String(http.request_path ?? '/')}`;
  });
  const log = block(backend.log_config);
  return (
    `backend ${String(backend.name)}: ${groupsOf(stack, backend)}, ` +
    `health check ${checks.join(', ') || 'NONE'}, ` +
    `logging ${log?.enable === true ? `${String(log.sample_rate ?? 1)} of requests` : 'off'}`
  );
}

function protocolOf(
  stack: SynthesizedStack,
  target: Attrs | undefined,
  port: string,
  hasHttps: boolean,
): string {
  if (target !== undefined && 'ssl_certificates' in target) {
    const domains = strings(target.ssl_certificates).flatMap((c) =>
      strings(block(resource(stack, reference(c)?.address ?? '')?.managed)?.domains),
    );
    return `HTTPS :${port}, Google-managed certificate for ${domains.join(', ') || '(unknown)'}`;
  }
  return hasHttps ? `HTTP :${port}` : `HTTP :${port}, HTTP only (no domain)`;
}

/** One row per forwarding rule: stack, rule, address, protocol, what it does. */
export function frontDoorRows(stacks: readonly SynthesizedStack[]): string[][] {
  return stacks.flatMap((stack) => {
    const rules = resources(stack, 'google_compute_global_forwarding_rule');
    const hasHttps = rules.some(([, r]) => 'ssl_certificates' in (targetOf(stack, r).attrs ?? {}));
    return rules.map(([address, rule]) => {
      const target = targetOf(stack, rule);
      const ip = reference(rule.ip_address)?.address;
      return [
        stack.name,
        `${String(rule.name)}\n${address}`,
        `${String(rule.load_balancing_scheme ?? 'EXTERNAL')} on ${ip === undefined ? String(rule.ip_address) : `reserved ${ip}`}`,
        protocolOf(stack, target.attrs, String(rule.port_range), hasHttps),
        urlMapAction(stack, target.attrs?.url_map),
      ];
    });
  });
}
