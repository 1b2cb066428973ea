/** The host section: where the hosts run, how many, of what machine and disk, from which image. */
import { closest } from '../lib/cli/suggest';
import { DEFAULTS } from './defaults';
import { EnvironmentSpec, MAX_HOST_COUNT, PLACEHOLDER_PROJECT_ID } from './environment-config';
import { checkInt, checkPattern, fail } from './error';
import {
  BOOT_DISK_TYPES,
  BootDiskType,
  MACHINE_FAMILIES,
  MACHINE_SIZES,
  machineTypeExists,
  REFUSED_FAMILIES,
  REGIONS,
  reservedBucketName,
  zoneLetters,
} from './gcp';
import { PATTERNS } from './patterns';
import { show } from './redact';

/** `docker-host-001` ... : zero-padded so names sort in creation order. */
export function hostName(index: number): string {
  return `docker-host-${String(index).padStart(3, '0')}`;
}

/** GCS bucket names are global: derive the state bucket from the project id. */
export function stateBucketName(projectId: string): string {
  return `${projectId}-tfstate`;
}

function resolveProjectId(env: string, value: unknown): string {
  if (value === undefined) return PLACEHOLDER_PROJECT_ID;
  const projectId = checkPattern({ env, name: 'projectId' }, value, PATTERNS.projectId);
  const reserved = reservedBucketName(stateBucketName(projectId));
  if (reserved !== undefined) {
    fail(
      { env, name: 'projectId' },
      `names the state bucket "${stateBucketName(projectId)}", which ${reserved}: Cloud Storage reserves such names (got ${show(value)})`,
    );
  }
  return projectId;
}

function resolvePlacement(env: string, spec: EnvironmentSpec): { region: string; zone: string } {
  const region = spec.region;
  if (typeof region !== 'string' || !REGIONS.includes(region)) {
    fail(
      { env, name: 'region' },
      `must be a Compute Engine region such as "europe-west1" (got ${show(region)}; the known ones are listed in config/gcp.ts)`,
    );
  }
  const letters = zoneLetters(region);
  if (typeof spec.zone !== 'string' || !new RegExp(`^${region}-[${letters}]$`).test(spec.zone)) {
    const zones = [...letters].map((l) => `${region}-${l}`).join(', ');
    fail(
      { env, name: 'zone' },
      `must be a zone of region "${region}": ${zones} (got ${show(spec.zone)})`,
    );
  }
  return { region, zone: spec.zone };
}

/** Every predefined machine type of the supported families (config/gcp.ts): what a typo is measured against. */
const MACHINE_TYPES = Object.entries(MACHINE_SIZES).flatMap(([family, sizes]) =>
  sizes.map((size) => `${family}-${size}`),
);

/** `; did you mean "e2-small"?` for a machine type one typo away from a predefined one, else nothing. */
function didYouMean(machineType: string): string {
  const guess = closest(machineType, MACHINE_TYPES);
  return guess === undefined ? '' : `; did you mean "${guess}"?`;
}

function resolveMachine(
  env: string,
  spec: EnvironmentSpec,
): { machineType: string; diskType: BootDiskType } {
  const machineType = checkPattern(
    { env, name: 'machineType' },
    spec.machineType ?? DEFAULTS.machineType,
    PATTERNS.machineType,
  );
  const family = machineType.split('-')[0];
  const refused = REFUSED_FAMILIES[family];
  if (refused !== undefined)
    fail({ env, name: 'machineType' }, `"${machineType}": the ${family} family ${refused}`);
  const disks = MACHINE_FAMILIES[family];
  if (disks === undefined) {
    fail(
      { env, name: 'machineType' },
      `must be of a supported machine family: ${Object.keys(MACHINE_FAMILIES).join(', ')} (got ${show(machineType)}${didYouMean(machineType)})`,
    );
  }
  if (!machineTypeExists(family, machineType)) {
    fail(
      { env, name: 'machineType' },
      `must be a machine type of the ${family} family, such as "${family}-${MACHINE_SIZES[family][0]}" (got ${show(machineType)}${didYouMean(machineType)}; the known ones are listed in config/gcp.ts)`,
    );
  }
  const diskType = spec.diskType ?? disks[0];
  if (!(BOOT_DISK_TYPES as readonly unknown[]).includes(diskType)) {
    fail(
      { env, name: 'diskType' },
      `must be a boot disk type: ${BOOT_DISK_TYPES.join(', ')} (got ${show(diskType)})`,
    );
  }
  if (!disks.includes(diskType)) {
    fail(
      { env, name: 'diskType' },
      `must be a disk type the ${family} family boots from: ${disks.join(', ')} (got ${show(diskType)} with machineType "${machineType}")`,
    );
  }
  return { machineType, diskType };
}

/** The host section of one environment, validated and defaulted. */
export function resolveHost(env: string, spec: EnvironmentSpec) {
  const hostCount = checkInt(
    { env, name: 'hostCount' },
    spec.hostCount ?? DEFAULTS.hostCount,
    1,
    MAX_HOST_COUNT,
  );
  return {
    projectId: resolveProjectId(env, spec.projectId),
    projectIdIsPlaceholder: spec.projectId === undefined,
    ...resolvePlacement(env, spec),
    hostCount,
    hostNames: Array.from({ length: hostCount }, (_, i) => hostName(i + 1)),
    ...resolveMachine(env, spec),
    diskSizeGb: checkInt(
      { env, name: 'diskSizeGb' },
      spec.diskSizeGb ?? DEFAULTS.diskSizeGb,
      10,
      2000,
    ),
    imageFamily: checkPattern(
      { env, name: 'imageFamily' },
      spec.imageFamily ?? DEFAULTS.imageFamily,
      PATTERNS.builtImageFamily,
    ),
    sourceImageFamily: checkPattern(
      { env, name: 'sourceImageFamily' },
      spec.sourceImageFamily ?? DEFAULTS.sourceImageFamily,
      PATTERNS.imageFamily,
    ),
    sourceImageProject: checkPattern(
      { env, name: 'sourceImageProject' },
      spec.sourceImageProject ?? DEFAULTS.sourceImageProject,
      PATTERNS.projectId,
    ),
  };
}
