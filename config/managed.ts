/**
 * The managed fleet's section of the environment config: the shape an operator writes (`ManagedSpec`) and the
 * validated value (`ManagedConfig`). Kept apart from environment-config.ts, which only names them.
 */

/** What kind of fleet an environment runs: see EnvironmentSpec.fleet. */
export const FLEET_KINDS = ['fixed', 'managed'] as const;
export type FleetKind = (typeof FLEET_KINDS)[number];

/** What the autoscaler keeps the group at: exactly one of the two. */
export interface ManagedTargetSpec {
  /** Average CPU utilisation of the group's instances, above 0 and at most 1 (0.6 is 60 %). */
  readonly cpu?: number;
  /**
   * Share of the load balancer's serving capacity the group uses (the backend's `max_utilization`), above 0 and
   * at most 1.
   */
  readonly lbUtilization?: number;
}

/**
 * A regional managed instance group over every zone of the region: Google creates, heals (the front door's health
 * check) and scales the hosts from an instance template, and rolls a new template (a new release) itself.
 */
export interface ManagedSpec {
  /**
   * The fewest hosts the autoscaler keeps, from 1 to 50.
   * @default 2
   */
  readonly minHosts?: number;
  /**
   * The most hosts the autoscaler may run, from minHosts to 50.
   * @default 6
   */
  readonly maxHosts?: number;
  /**
   * What the autoscaler keeps the group at: `{ cpu: 0.6 }` or `{ lbUtilization: 0.8 }`.
   * @default { cpu: 0.6 }
   */
  readonly target?: ManagedTargetSpec;
  /**
   * Hosts created above the target size while a new template rolls (nothing is taken away first: max unavailable
   * is 0): a count of at least the region's number of zones (Google's rule for a regional group), or a percentage
   * such as '20%' when minHosts is 10 or more (Google takes percentages only from 10 instances).
   * @default the number of the region's zones
   */
  readonly maxSurge?: number | string;
  /**
   * Seconds a new host has to boot and pull its release before autohealing may judge it by the health check (and
   * before the autoscaler reads its CPU), from 0 to 3600.
   * @default 300
   */
  readonly initialDelaySec?: number;
}

/** The autoscaler's target, validated. */
export type ManagedTarget =
  | { readonly kind: 'cpu'; readonly value: number }
  | { readonly kind: 'lbUtilization'; readonly value: number };

/** A validated managed section with every default applied. */
export interface ManagedConfig {
  readonly minHosts: number;
  readonly maxHosts: number;
  readonly target: ManagedTarget;
  /** A count, or a percentage such as '20%'. */
  readonly maxSurge: number | string;
  readonly initialDelaySec: number;
  /** Every zone of the region, where the group spreads its hosts (`europe-west1-b`, …). */
  readonly zones: readonly string[];
}
