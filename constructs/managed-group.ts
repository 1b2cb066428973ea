import { ComputeRegionInstanceGroupManager } from '@cdktf/provider-google/lib/compute-region-instance-group-manager';
import { Construct } from 'constructs';
import { APP_PORT_NAME } from './front-door';

export interface ManagedGroupProps {
  readonly project: string;
  readonly region: string;
  /** The group's name, e.g. `prod-docker-hosts`. */
  readonly name: string;
  /** Start of every host's name; Google appends a random suffix (`prod-docker-host-x1z2`). */
  readonly baseInstanceName: string;
  /** The zones the group spreads its hosts over (every zone of the region). */
  readonly zones: readonly string[];
  /** The instance template's self link: the release every host runs. */
  readonly template: string;
  /** The port the app is served on (the named port `app` the backend service sends traffic to). */
  readonly appPort: number;
  /** The health check that heals the group (the front door's). */
  readonly healthCheck: string;
  /** Seconds a new host has before autohealing judges it. */
  readonly initialDelaySec: number;
  /**
   * Hosts created above the target size during a rolling update: a count (at least one per zone) or a percentage
   * such as '20%'.
   */
  readonly maxSurge: number | string;
}

/**
 * A regional managed instance group: Google keeps its hosts spread over the zones, replaces a host the health
 * check finds down (autohealing, after the initial delay), and rolls a new template at once (proactive), new hosts
 * first (substitute, max unavailable 0, `maxSurge` at a time). Its size is the autoscaler's (no target size here).
 */
export class ManagedGroup extends Construct {
  readonly group: ComputeRegionInstanceGroupManager;

  constructor(scope: Construct, id: string, props: ManagedGroupProps) {
    super(scope, id);
    if (props.zones.length === 0)
      throw new Error(`ManagedGroup "${id}": zones must name at least one zone`);
    const surge =
      typeof props.maxSurge === 'number'
        ? { maxSurgeFixed: props.maxSurge }
        : { maxSurgePercent: Number(props.maxSurge.replace('%', '')) };
    this.group = new ComputeRegionInstanceGroupManager(this, 'Default', {
      project: props.project,
      region: props.region,
      name: props.name,
      baseInstanceName: props.baseInstanceName,
      distributionPolicyZones: [...props.zones],
      version: [{ name: 'release', instanceTemplate: props.template }],
      namedPort: [{ name: APP_PORT_NAME, port: props.appPort }],
      autoHealingPolicies: {
        healthCheck: props.healthCheck,
        initialDelaySec: props.initialDelaySec,
      },
      updatePolicy: {
        type: 'PROACTIVE',
        minimalAction: 'REPLACE',
        mostDisruptiveAllowedAction: 'REPLACE',
        instanceRedistributionType: 'PROACTIVE',
        replacementMethod: 'SUBSTITUTE',
        maxUnavailableFixed: 0,
        ...surge,
      },
      // `up` waits for the group itself (gcloud … wait-until --stable), after the apply.
      waitForInstances: false,
    });
  }
}
