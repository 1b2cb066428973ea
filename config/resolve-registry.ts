/** The registry section: the project's Docker repository in Artifact Registry (project-wide, like state). */
import { DEFAULTS } from './defaults';
import { ProjectSpec } from './environment-config';
import { checkInt, fail, checkPattern } from './error';
import { REGIONS } from './gcp';
import { PATTERNS } from './patterns';
import { show } from './redact';
import type { RegistryConfig } from './registry';

function resolveLocation(value: unknown): string {
  if (typeof value === 'string' && REGIONS.includes(value)) return value;
  return fail(
    { env: undefined, name: 'registry.location' },
    `must be a GCP region such as "europe-west1" (got ${show(value)}; the known ones are listed in config/gcp.ts)`,
  );
}

/** `registry`, validated and defaulted (its shape was checked by schema.ts). */
export function resolveRegistry(spec: ProjectSpec['registry']): RegistryConfig {
  const r = spec ?? {};
  const d = DEFAULTS.registry;
  const field = (name: string) => ({ env: undefined, name: `registry.${name}` });
  return {
    repository: checkPattern(
      field('repository'),
      r.repository ?? d.repository,
      PATTERNS.registryRepository,
    ),
    ...(r.location === undefined ? {} : { location: resolveLocation(r.location) }),
    keepVersions: checkInt(field('keepVersions'), r.keepVersions ?? d.keepVersions, 1, 1000),
    deleteUntaggedAfterDays: checkInt(
      field('deleteUntaggedAfterDays'),
      r.deleteUntaggedAfterDays ?? d.deleteUntaggedAfterDays,
      1,
      365,
    ),
    deleteTaggedAfterDays: checkInt(
      field('deleteTaggedAfterDays'),
      r.deleteTaggedAfterDays ?? d.deleteTaggedAfterDays,
      1,
      3650,
    ),
  };
}
