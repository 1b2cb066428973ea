import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { Construct } from 'constructs';

export interface FleetFirewallProps {
  readonly project: string;
  readonly network: string;
  /** Prefix of the rule names, e.g. `stage-docker-hosts`. */
  readonly namePrefix: string;
  /** Network tag the rules apply to. */
  readonly targetTag: string;
  readonly appPort: number;
  readonly appSourceRanges: readonly string[];
  readonly sshSourceRanges: readonly string[];
  /**
   * Accessory ports (tcp), opened between the fleet's own hosts only (source and target: `targetTag`).
   * @default none: no rule
   */
  readonly accessoryPorts?: readonly number[];
}

/**
 * Priority of the fleet's deny-all-other-ingress rule: below the allows (1000) and above the
 * `default` network's own allow rules (65534: SSH, RDP and ICMP from anywhere, internal traffic),
 * which would otherwise let SSH in from the whole internet whatever `sshSourceRanges` says.
 */
export const DENY_OTHER_INGRESS_PRIORITY = 65000;

/**
 * Ingress to the fleet, default-deny: the app port and SSH, each from its own configured ranges, the accessories'
 * ports from the fleet's own hosts, and nothing else, only for the fleet's tag.
 */
export class FleetFirewall extends Construct {
  readonly app: ComputeFirewall;
  readonly ssh: ComputeFirewall;
  readonly denyOther: ComputeFirewall;
  /** Present when there are accessory ports. */
  readonly accessories?: ComputeFirewall;

  constructor(scope: Construct, id: string, props: FleetFirewallProps) {
    super(scope, id);
    for (const [field, ranges] of [
      ['appSourceRanges', props.appSourceRanges],
      ['sshSourceRanges', props.sshSourceRanges],
    ] as const) {
      if (ranges.length === 0) throw new Error(`FleetFirewall "${id}": ${field} must not be empty`);
    }
    this.app = new ComputeFirewall(this, 'app', {
      project: props.project,
      network: props.network,
      name: `${props.namePrefix}-allow-app`,
      description: `App traffic to the Docker hosts on tcp/${props.appPort}`,
      direction: 'INGRESS',
      priority: 1000,
      allow: [{ protocol: 'tcp', ports: [String(props.appPort)] }],
      sourceRanges: [...props.appSourceRanges],
      targetTags: [props.targetTag],
    });
    this.ssh = new ComputeFirewall(this, 'ssh', {
      project: props.project,
      network: props.network,
      name: `${props.namePrefix}-allow-ssh`,
      description: 'SSH to the Docker hosts from the configured admin ranges (default: IAP only)',
      direction: 'INGRESS',
      priority: 1000,
      allow: [{ protocol: 'tcp', ports: ['22'] }],
      sourceRanges: [...props.sshSourceRanges],
      targetTags: [props.targetTag],
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    });
    const ports = [...new Set(props.accessoryPorts ?? [])].sort((a, b) => a - b);
    if (ports.length > 0) {
      this.accessories = new ComputeFirewall(this, 'accessories', {
        project: props.project,
        network: props.network,
        name: `${props.namePrefix}-allow-accessories`,
        description: `Accessory ports (tcp/${ports.join(', ')}) between the fleet's own hosts only`,
        direction: 'INGRESS',
        priority: 1000,
        allow: [{ protocol: 'tcp', ports: ports.map(String) }],
        sourceTags: [props.targetTag],
        targetTags: [props.targetTag],
      });
    }
    this.denyOther = new ComputeFirewall(this, 'deny-other-ingress', {
      project: props.project,
      network: props.network,
      name: `${props.namePrefix}-deny-other-ingress`,
      description:
        "Everything else, including the default network's allow rules, stays out of the Docker hosts",
      direction: 'INGRESS',
      priority: DENY_OTHER_INGRESS_PRIORITY,
      deny: [{ protocol: 'all' }],
      sourceRanges: ['0.0.0.0/0'],
      targetTags: [props.targetTag],
      // Not logged: every internet scan of every host would land in Cloud Logging.
    });
  }
}
