/** The state section: where Terraform state lives, and the rules that hold across environments. */
import { BACKEND_STACK, REGISTRY_STACK } from '../lib/constants';
import { DEFAULTS } from './defaults';
import { EnvironmentConfig, ProjectSpec } from './environment-config';
import { checkInt, checkOneOf, fail } from './error';
import { REGIONS, STORAGE_DUAL_REGIONS, STORAGE_MULTI_REGIONS } from './gcp';
import { show } from './redact';

/** The object prefix under which one environment's state lives in its bucket. */
export function statePrefix(environment: string): string {
  return `docker-hosts/${environment}`;
}

function resolveStateLocation(value: unknown): string {
  const known = [...STORAGE_MULTI_REGIONS, ...STORAGE_DUAL_REGIONS];
  // Cloud Storage takes locations in either case; regions are written lowercase, the rest uppercase.
  if (
    typeof value === 'string' &&
    (known.includes(value.toUpperCase()) || REGIONS.includes(value.toLowerCase()))
  ) {
    return value;
  }
  return fail(
    { env: undefined, name: 'stateLocation' },
    `must be a Cloud Storage location: a multi-region (${STORAGE_MULTI_REGIONS.join(', ')}), a dual-region ` +
      `(${STORAGE_DUAL_REGIONS.join(', ')}) or a region such as "europe-west1" (got ${show(value)})`,
  );
}

/** The project-wide state settings, validated and defaulted. */
export function resolveState(spec: ProjectSpec) {
  return {
    stateLocation: resolveStateLocation(spec.stateLocation ?? DEFAULTS.stateLocation),
    stateVersionsKept: checkInt(
      { env: undefined, name: 'stateVersionsKept' },
      spec.stateVersionsKept ?? DEFAULTS.stateVersionsKept,
      1,
      100,
    ),
    backendState: checkOneOf(
      { env: undefined, name: 'backendState' },
      spec.backendState ?? DEFAULTS.backendState,
      ['local', 'gcs'] as const,
    ),
  };
}

/** Names are unique and not a project-wide stack's (`backend`, `registry`); two environments of one project never share a zone (host names collide). */
export function checkAcrossEnvironments(environments: readonly EnvironmentConfig[]): void {
  const names = new Set<string>();
  const placements = new Map<string, string>();
  for (const e of environments) {
    if (names.has(e.name))
      fail(
        { env: e.name, name: 'name' },
        `must be unique across environments (got "${e.name}" twice)`,
      );
    for (const [stack, what] of [
      [BACKEND_STACK, 'state'],
      [REGISTRY_STACK, 'registry'],
    ]) {
      if (e.name === stack) {
        fail(
          { env: e.name, name: 'name' },
          `must not be "${stack}", the name of the ${what} stack (got "${e.name}")`,
        );
      }
    }
    names.add(e.name);
    const other = placements.get(`${e.projectId}/${e.zone}`);
    if (other !== undefined) {
      fail(
        { env: e.name, name: 'zone' },
        `must differ from environment "${other}" in the same project, or their docker-host-NNN names collide (got "${e.zone}" for both)`,
      );
    }
    placements.set(`${e.projectId}/${e.zone}`, e.name);
  }
}
