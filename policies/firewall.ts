/**
 * A google_compute_firewall rule as a reviewer reads it. The attribute names are the same in synthesized
 * Terraform JSON and in a plan's before/after, so the review and the plan summary share these.
 */
import { GOOGLE_LB_RANGES, IAP_SSH_RANGE, WIDEST_ADMIN_PREFIX } from '../config/environment-config';

type Attrs = Readonly<Record<string, unknown>>;

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return list(value).map(String);
}

/** A source range with what it means: Google IAP, the internet, or just the range. */
export function rangeLabel(range: string): string {
  if (range === IAP_SSH_RANGE) return `${range} (Google IAP)`;
  if (GOOGLE_LB_RANGES.includes(range)) return `${range} (Google load balancers and health checks)`;
  if (range === '0.0.0.0/0' || range === '::/0') return `${range} (the internet)`;
  const prefix = Number(range.split('/')[1]);
  if (range.includes('.') && Number.isInteger(prefix) && prefix < WIDEST_ADMIN_PREFIX)
    return `${range} (wider than a /8)`;
  return range;
}

export function ruleDirection(rule: Attrs): string {
  return typeof rule.direction === 'string' ? rule.direction : 'INGRESS';
}

export function ruleAction(rule: Attrs): 'allow' | 'deny' {
  return list(rule.deny).length > 0 ? 'deny' : 'allow';
}

/** `tcp:22`, `tcp:80,443`, `all`. */
export function rulePorts(rule: Attrs): string {
  const entries = [...list(rule.allow), ...list(rule.deny)] as Attrs[];
  if (entries.length === 0) return '(none)';
  return entries
    .map((e) => {
      const ports = strings(e.ports);
      return e.protocol === 'all' || ports.length === 0
        ? String(e.protocol)
        : `${String(e.protocol)}:${ports.join(',')}`;
    })
    .join(' ');
}

export function ruleSources(rule: Attrs): string[] {
  const ranges =
    ruleDirection(rule) === 'EGRESS'
      ? strings(rule.destination_ranges)
      : strings(rule.source_ranges);
  return [...ranges, ...strings(rule.source_tags).map((t) => `tag ${t}`)];
}

export function ruleTargets(rule: Attrs): string {
  const tags = strings(rule.target_tags);
  const accounts = strings(rule.target_service_accounts);
  if (tags.length === 0 && accounts.length === 0) return 'every instance in the network';
  return [...tags.map((t) => `tag ${t}`), ...accounts.map((a) => `account ${a}`)].join(', ');
}

export function rulePriority(rule: Attrs): number {
  return typeof rule.priority === 'number' ? rule.priority : 1000;
}

/** Whether the rule matches TCP traffic to `port`. */
export function rulePortMatches(rule: Attrs, port: number): boolean {
  return ([...list(rule.allow), ...list(rule.deny)] as Attrs[]).some((e) => {
    if (e.protocol === 'all') return true;
    if (e.protocol !== 'tcp') return false;
    const ports = strings(e.ports);
    return (
      ports.length === 0 ||
      ports.some((p) => {
        const [lo, hi] = p.split('-').map(Number);
        return port >= lo && port <= (hi ?? lo);
      })
    );
  });
}

/** One line: `INGRESS allow tcp:22 from 35.235.240.0/20 (Google IAP) to tag docker-host-stage, priority 1000`. */
export function describeRule(rule: Attrs): string {
  const sources = ruleSources(rule).map(rangeLabel).join(', ') || '(no sources)';
  const disabled = rule.disabled === true ? ' (disabled)' : '';
  return `${ruleDirection(rule)} ${ruleAction(rule)} ${rulePorts(rule)} from ${sources} to ${ruleTargets(rule)}, priority ${rulePriority(rule)}${disabled}`;
}
