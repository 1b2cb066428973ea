/**
 * The fleet kind and, for a managed fleet, its section: min and max hosts, the autoscaler's target, the surge of a
 * rolling update and the autohealing delay. A managed fleet needs the load balancer (its health check heals the
 * group, its backend is the group), and refuses the fields only a fixed fleet reads.
 */
import { DEFAULTS } from './defaults';
import type { EnvironmentSpec, Exposure } from './environment-config';
import { checkInt, checkOneOf, fail } from './error';
import { zoneLetters } from './gcp';
import type {
  FleetKind,
  ManagedConfig,
  ManagedSpec,
  ManagedTarget,
  ManagedTargetSpec,
} from './managed';
import { FLEET_KINDS } from './managed';
import { show } from './redact';

/** The most hosts a managed group may scale to (the fixed fleet's MAX_HOST_COUNT, for the same reason). */
const MAX_MANAGED_HOSTS = 50;
/** Google takes a percentage for maxSurge only from this many instances in the group. */
const MIN_HOSTS_FOR_SHARE = 10;
const SHARE = /^(100|[1-9][0-9]?)%$/;

/** Fields only a fixed fleet reads: refused with `fleet: 'managed'`, so that no setting silently does nothing. */
const FIXED_ONLY = ['hostCount', 'rollout', 'deletionProtection'] as const;

function checkShare(field: { env: string; name: string }, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    fail(field, `must be a number above 0 and at most 1, such as 0.6 (got ${show(value)})`);
  }
  return value;
}

function resolveTarget(env: string, spec: ManagedSpec): ManagedTarget {
  const target: ManagedTargetSpec = spec.target ?? DEFAULTS.managed.target;
  const given = (['cpu', 'lbUtilization'] as const).filter((k) => target[k] !== undefined);
  if (given.length !== 1) {
    fail(
      { env, name: 'managed.target' },
      `must set exactly one of "cpu" or "lbUtilization", such as { cpu: 0.6 } (got ${show(target)})`,
    );
  }
  const kind = given[0];
  return { kind, value: checkShare({ env, name: `managed.target.${kind}` }, target[kind]) };
}

function resolveSurge(env: string, value: unknown, zones: number, minHosts: number) {
  const field = { env, name: 'managed.maxSurge' };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < zones || value > MAX_MANAGED_HOSTS) {
      fail(
        field,
        `must be a whole number of hosts from ${zones} (the region's zones: a regional group surges at least one per zone) to ${MAX_MANAGED_HOSTS} (got ${show(value)})`,
      );
    }
    return value;
  }
  if (typeof value !== 'string' || !SHARE.test(value)) {
    fail(field, `must be a number of hosts or a percentage such as "20%" (got ${show(value)})`);
  }
  if (minHosts < MIN_HOSTS_FOR_SHARE) {
    fail(
      field,
      `may be a percentage only with managed.minHosts of ${MIN_HOSTS_FOR_SHARE} or more (Google's rule; got ${show(value)} with minHosts ${minHosts}): give a number of hosts`,
    );
  }
  return value;
}

function refuseCombinations(env: string, spec: EnvironmentSpec, exposure: Exposure): void {
  if (exposure !== 'load-balancer') {
    fail(
      { env, name: 'fleet' },
      `"managed" needs exposure "load-balancer": the front door's health check heals the group and its backend is the group (got exposure "${exposure}")`,
    );
  }
  const given = FIXED_ONLY.find((f) => spec[f] !== undefined);
  if (given !== undefined) {
    fail(
      { env, name: given },
      `applies only with fleet "fixed" (got ${show(spec[given])} with fleet "managed": the group's size is managed.minHosts to managed.maxHosts, and Google rolls a release)`,
    );
  }
}

function resolveManaged(env: string, spec: ManagedSpec, region: string): ManagedConfig {
  const zones = [...zoneLetters(region)].map((l) => `${region}-${l}`);
  const d = DEFAULTS.managed;
  const minHosts = checkInt(
    { env, name: 'managed.minHosts' },
    spec.minHosts ?? d.minHosts,
    1,
    MAX_MANAGED_HOSTS,
  );
  const maxHosts = checkInt(
    { env, name: 'managed.maxHosts' },
    spec.maxHosts ?? Math.max(d.maxHosts, minHosts),
    minHosts,
    MAX_MANAGED_HOSTS,
  );
  return {
    minHosts,
    maxHosts,
    target: resolveTarget(env, spec),
    maxSurge: resolveSurge(env, spec.maxSurge ?? zones.length, zones.length, minHosts),
    initialDelaySec: checkInt(
      { env, name: 'managed.initialDelaySec' },
      spec.initialDelaySec ?? d.initialDelaySec,
      0,
      3600,
    ),
    zones,
  };
}

/** The fleet kind of one environment and, when managed, its validated section. */
export function resolveFleet(
  env: string,
  spec: EnvironmentSpec,
  exposure: Exposure,
): { fleet: FleetKind; managed?: ManagedConfig } {
  const fleet = checkOneOf({ env, name: 'fleet' }, spec.fleet ?? DEFAULTS.fleet, FLEET_KINDS);
  if (fleet === 'fixed') {
    if (spec.managed !== undefined) {
      fail(
        { env, name: 'managed' },
        `applies only with fleet "managed" (got ${show(spec.managed)} with fleet "fixed")`,
      );
    }
    return { fleet };
  }
  refuseCombinations(env, spec, exposure);
  return { fleet, managed: resolveManaged(env, spec.managed ?? {}, spec.region) };
}

/**
 * What a managed fleet cannot carry: its hosts are Google's to replace at any time, so nothing on them lasts
 * (accessories, data disks), and its boot unit runs the release from the template's metadata alone (no env,
 * secrets or volumes yet).
 */
export function refuseHostData(
  env: string,
  spec: EnvironmentSpec,
  app: {
    readonly env: object;
    readonly secrets: readonly unknown[];
    readonly volumes: readonly unknown[];
  },
): void {
  const hostData = (['accessories', 'dataDisk'] as const).find((f) => spec[f] !== undefined);
  if (hostData !== undefined) {
    fail(
      { env, name: hostData },
      `applies only with fleet "fixed" (got ${show(spec[hostData])} with fleet "managed": a managed group replaces its hosts at will, so run data on a managed service such as Cloud SQL, or on a fixed fleet)`,
    );
  }
  const given = (['env', 'secrets', 'volumes'] as const).find((f) =>
    f === 'env' ? Object.keys(app.env).length > 0 : app[f].length > 0,
  );
  if (given !== undefined) {
    fail(
      { env, name: `app.${given}` },
      `applies only with fleet "fixed" for now (got ${show(spec.app?.[given])} with fleet "managed": the managed fleet's boot unit runs the release from the template's metadata alone)`,
    );
  }
}
