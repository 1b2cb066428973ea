import { ComputeRegionAutoscaler } from '@cdktf/provider-google/lib/compute-region-autoscaler';
import { Construct } from 'constructs';

/** What the autoscaler keeps the group at (config/managed.ts ManagedTarget). */
export interface AutoscalerTarget {
  readonly kind: 'cpu' | 'lbUtilization';
  /** Above 0, at most 1. */
  readonly value: number;
}

export interface GroupAutoscalerProps {
  readonly project: string;
  readonly region: string;
  readonly name: string;
  /** The regional managed instance group's id. */
  readonly group: string;
  readonly minHosts: number;
  readonly maxHosts: number;
  readonly target: AutoscalerTarget;
  /** Seconds a new host needs before its load counts (its boot and first pull). */
  readonly initialDelaySec: number;
}

/** Google's default initialization period, the shortest this project asks for. */
const MIN_COOLDOWN_SEC = 60;

/**
 * The regional autoscaler of the managed group: `minHosts` to `maxHosts`, kept at an average CPU utilisation or a
 * share of the load balancer's serving capacity. Its decisions are Google's; nothing here can prove them.
 */
export class GroupAutoscaler extends Construct {
  readonly autoscaler: ComputeRegionAutoscaler;

  constructor(scope: Construct, id: string, props: GroupAutoscalerProps) {
    super(scope, id);
    if (props.minHosts < 1 || props.maxHosts < props.minHosts) {
      throw new Error(
        `GroupAutoscaler "${id}": minHosts must be at least 1 and at most maxHosts (got ${props.minHosts} to ${props.maxHosts})`,
      );
    }
    const target =
      props.target.kind === 'cpu'
        ? { cpuUtilization: { target: props.target.value } }
        : { loadBalancingUtilization: { target: props.target.value } };
    this.autoscaler = new ComputeRegionAutoscaler(this, 'Default', {
      project: props.project,
      region: props.region,
      name: props.name,
      target: props.group,
      autoscalingPolicy: {
        minReplicas: props.minHosts,
        maxReplicas: props.maxHosts,
        cooldownPeriod: Math.max(MIN_COOLDOWN_SEC, props.initialDelaySec),
        mode: 'ON',
        ...target,
      },
    });
  }
}
