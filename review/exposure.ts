/** The exposure table: every firewall rule, and what reaches each host on SSH and on the app port. Pure. */
import {
  rangeLabel,
  ruleAction,
  ruleDirection,
  rulePortMatches,
  rulePorts,
  rulePriority,
  ruleSources,
  ruleTargets,
} from '../policies/firewall';
import { SynthesizedStack } from '../policies/rules';
import { Section } from './document';
import { frontDoorRows } from './front-door';
import { Attrs, resources, strings } from './stack-json';

export const SSH_PORT = 22;

/** The stack's app port, from its `app_port` output. */
export function appPort(stack: SynthesizedStack): number | undefined {
  const value = (stack.json as { output?: Record<string, { value?: unknown }> }).output?.app_port
    ?.value;
  return typeof value === 'number' ? value : undefined;
}

function appliesTo(rule: Attrs, tags: readonly string[], port: number): boolean {
  const targets = strings(rule.target_tags);
  return (
    ruleDirection(rule) === 'INGRESS' &&
    rule.disabled !== true &&
    (targets.length === 0 || targets.some((t) => tags.includes(t))) &&
    rulePortMatches(rule, port)
  );
}

/** Who reaches a host with `tags` on tcp/`port`: the allowed sources in priority order, then what decides the rest. */
export function reach(
  rules: readonly Attrs[],
  tags: readonly string[],
  port: number,
): { from: string; rest: string } {
  const ordered = rules
    .filter((r) => appliesTo(r, tags, port))
    .sort((a, b) => rulePriority(a) - rulePriority(b) || (ruleAction(a) === 'deny' ? -1 : 1));
  const allowed: string[] = [];
  for (const rule of ordered) {
    const sources = ruleSources(rule);
    if (ruleAction(rule) === 'deny' && sources.includes('0.0.0.0/0')) {
      return {
        from: allowed.join(', ') || 'nobody',
        rest: `denied by ${String(rule.name)} (priority ${rulePriority(rule)})`,
      };
    }
    if (ruleAction(rule) === 'allow')
      allowed.push(...sources.map((s) => `${rangeLabel(s)} [${String(rule.name)}]`));
  }
  return {
    from: allowed.join(', ') || 'nobody (by these rules)',
    rest: "not decided here: the network's other rules apply (the default network allows SSH, RDP and ICMP from anywhere at priority 65534)",
  };
}

/**
 * The hosts of a stack and their network tags: each fixed host by name, and every host of a managed group at once
 * (its instance template: Google names the hosts).
 */
function hostsOf(stack: SynthesizedStack): [string, string[]][] {
  const fixed = resources(stack, 'google_compute_instance').map(([, host]): [string, string[]] => [
    String(host.name),
    strings(host.tags),
  ]);
  const managed = ['google_compute_instance_template', 'google_compute_region_instance_template']
    .flatMap((type) => resources(stack, type))
    .map(([, t]): [string, string[]] => [
      `${String(t.name_prefix ?? t.name)}* (every host of the managed group)`,
      strings(t.tags),
    ]);
  return fixed.concat(managed);
}

export function exposureSection(stacks: readonly SynthesizedStack[]): Section {
  const ruleRows = stacks.flatMap((s) =>
    resources(s, 'google_compute_firewall').map(([address, r]) => [
      s.name,
      `${String(r.name)}\n${address}`,
      ruleDirection(r),
      `${ruleAction(r)} ${rulePorts(r)}`,
      ruleSources(r).map(rangeLabel).join('\n'),
      ruleTargets(r),
      String(rulePriority(r)),
      r.log_config === undefined ? 'no' : 'yes',
    ]),
  );
  const reachRows = stacks.flatMap((s) => {
    const rules = resources(s, 'google_compute_firewall').map(([, r]) => r);
    const ports: [string, number | undefined][] = [
      ['SSH tcp/22', SSH_PORT],
      [`app tcp/${appPort(s) ?? '?'}`, appPort(s)],
    ];
    return hostsOf(s).flatMap(([host, tags]) =>
      ports
        .filter((p): p is [string, number] => p[1] !== undefined)
        .map(([label, port]) => {
          const r = reach(rules, tags, port);
          return [`${s.name}/${host}`, label, r.from, r.rest];
        }),
    );
  });
  const hostCount = new Set(reachRows.map((r) => r[0])).size;
  const doorRows = frontDoorRows(stacks);
  const doors =
    doorRows.length === 0
      ? []
      : [
          {
            kind: 'table' as const,
            head: ['stack', 'front door', 'address', 'protocol', 'sends traffic to'],
            rows: doorRows,
          },
        ];
  return {
    title: 'Exposure',
    summary:
      `${ruleRows.length} firewall ${ruleRows.length === 1 ? 'rule' : 'rules'}; what reaches ${hostCount} ${hostCount === 1 ? 'host' : 'hosts'} on SSH and the app port` +
      (doorRows.length === 0
        ? ''
        : `; ${doorRows.length} load-balancer ${doorRows.length === 1 ? 'entry' : 'entries'}`),
    open: true,
    blocks: [
      {
        kind: 'table',
        head: ['stack', 'rule', 'direction', 'action', 'sources', 'targets', 'priority', 'logged'],
        rows: ruleRows,
      },
      { kind: 'table', head: ['host', 'port', 'reached from', 'everything else'], rows: reachRows },
      ...doors,
    ],
  };
}
