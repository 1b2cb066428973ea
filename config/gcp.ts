/**
 * Limits Google Cloud enforces, as data, so synth refuses what the API would reject halfway through a deploy.
 * Sources: Compute Engine machine families and disk types, Cloud Storage locations and bucket naming, resource
 * labels. A region or family Google adds later is refused until it is added here (the message says so).
 */

/** Compute Engine / Cloud Storage regions. */
export const REGIONS: readonly string[] = [
  'africa-south1',
  ...['east1', 'east2', 'northeast1', 'northeast2', 'northeast3', 'south1', 'south2', 'southeast1', 'southeast2'].map(
    (r) => `asia-${r}`,
  ),
  'australia-southeast1',
  'australia-southeast2',
  'europe-central2',
  'europe-north1',
  'europe-north2',
  'europe-southwest1',
  ...['1', '2', '3', '4', '6', '8', '9', '10', '12'].map((n) => `europe-west${n}`),
  'me-central1',
  'me-central2',
  'me-west1',
  'northamerica-northeast1',
  'northamerica-northeast2',
  'northamerica-south1',
  'southamerica-east1',
  'southamerica-west1',
  'us-central1',
  ...['east1', 'east4', 'east5', 'south1', 'west1', 'west2', 'west3', 'west4'].map((r) => `us-${r}`),
];

/** Cloud Storage multi-regions and predefined dual-regions (regions are accepted too). */
export const STORAGE_MULTI_REGIONS: readonly string[] = ['US', 'EU', 'ASIA'];
export const STORAGE_DUAL_REGIONS: readonly string[] = ['ASIA1', 'EUR4', 'EUR5', 'EUR7', 'EUR8', 'NAM4'];

/** Boot disk types; Hyperdisk Extreme and Throughput cannot boot an instance. */
export const BOOT_DISK_TYPES = ['pd-standard', 'pd-balanced', 'pd-ssd', 'hyperdisk-balanced'] as const;
export type BootDiskType = (typeof BOOT_DISK_TYPES)[number];

const PD: readonly BootDiskType[] = ['pd-balanced', 'pd-standard', 'pd-ssd'];
/** Machine families this project runs on (x86, no GPU), each with the boot disk types it takes, default first. */
export const MACHINE_FAMILIES: Readonly<Record<string, readonly BootDiskType[]>> = {
  e2: PD,
  n1: PD,
  f1: PD,
  g1: PD,
  n2: PD,
  n2d: PD,
  t2d: PD,
  c2: PD,
  c2d: PD,
  c3: ['pd-balanced', 'pd-ssd', 'hyperdisk-balanced'],
  c3d: ['pd-balanced', 'pd-ssd', 'hyperdisk-balanced'],
  n4: ['hyperdisk-balanced'],
  c4: ['hyperdisk-balanced'],
  c4d: ['hyperdisk-balanced'],
};

/** Families refused with a reason rather than half supported. */
export const REFUSED_FAMILIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ['a2', 'a3', 'a4', 'g2', 'g4'].map((f) => [
      f,
      'is a GPU family: its hosts need onHostMaintenance TERMINATE and GPU drivers in the image, which this project does not set up',
    ]),
  ),
  ...Object.fromEntries(
    ['t2a', 'c4a', 'n4a', 'c3a'].map((f) => [
      f,
      'is an Arm (aarch64) family: the Packer image is built for x86-64 (debian-13) and would not boot on it',
    ]),
  ),
};

/** Resource labels: at most 64 per resource, keys and values at most 63 characters. */
export const MAX_LABELS = 64;

/**
 * Labels the project sets itself, per labelled resource: the environment stack's instances, disks and addresses;
 * the Packer image (role, managed-by and source-image-family from the template, source-hash from the driver); the
 * state bucket. User labels share the 64 with the largest of these sets and may not reuse their keys.
 */
export const SYSTEM_LABEL_KEYS = {
  host: ['env', 'role', 'managed-by'],
  image: ['role', 'managed-by', 'source-image-family', 'source-hash'],
  stateBucket: ['role', 'managed-by'],
} as const;

export const RESERVED_LABEL_KEYS: readonly string[] = [...new Set(Object.values(SYSTEM_LABEL_KEYS).flat())].sort();
export const MAX_USER_LABELS = MAX_LABELS - Math.max(...Object.values(SYSTEM_LABEL_KEYS).map((k) => k.length));

/** Cloud Storage: a bucket name may not start with "goog" nor contain "google" or close misspellings of it. */
export function reservedBucketName(name: string): string | undefined {
  if (name.startsWith('goog')) return 'starts with "goog"';
  const m = /g[o0][o0]gle/.exec(name);
  return m === null ? undefined : `contains "${m[0]}"`;
}

/** The zones of each region, by letter: a, b and c, except where Google's zone list says otherwise. */
const ZONE_LETTERS_EXCEPT: Readonly<Record<string, string>> = {
  'europe-west1': 'bcd',
  'us-central1': 'abcf',
  'us-east1': 'bcd',
};

/** The zone letters of a region (REGIONS), such as "bcd" for europe-west1. */
export function zoneLetters(region: string): string {
  return ZONE_LETTERS_EXCEPT[region] ?? 'abc';
}

const sizes = (shapes: readonly string[], vcpus: readonly number[]) =>
  shapes.flatMap((s) => vcpus.map((n) => `${s}-${n}`));
const ALL_SHAPES = ['standard', 'highmem', 'highcpu'];

/**
 * Predefined machine types of each family in MACHINE_FAMILIES (the part after "<family>-"), from Google's machine
 * family pages; "-lssd" (Local SSD) variants of C3, C3D, C4 and C4D are accepted as their base type's.
 */
export const MACHINE_SIZES: Readonly<Record<string, readonly string[]>> = {
  e2: [
    'micro',
    'small',
    'medium',
    ...sizes(['standard', 'highcpu'], [2, 4, 8, 16, 32]),
    ...sizes(['highmem'], [2, 4, 8, 16]),
  ],
  n1: [
    ...sizes(['standard'], [1, 2, 4, 8, 16, 32, 64, 96]),
    ...sizes(['highmem', 'highcpu'], [2, 4, 8, 16, 32, 64, 96]),
  ],
  f1: ['micro'],
  g1: ['small'],
  n2: [
    ...sizes(['standard', 'highmem'], [2, 4, 8, 16, 32, 48, 64, 80, 96, 128]),
    ...sizes(['highcpu'], [2, 4, 8, 16, 32, 48, 64, 80, 96]),
  ],
  n2d: [
    ...sizes(['standard', 'highcpu'], [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224]),
    ...sizes(['highmem'], [2, 4, 8, 16, 32, 48, 64, 80, 96]),
  ],
  t2d: sizes(['standard'], [1, 2, 4, 8, 16, 32, 48, 60]),
  c2: sizes(['standard'], [4, 8, 16, 30, 60]),
  c2d: sizes(ALL_SHAPES, [2, 4, 8, 16, 32, 56, 112]),
  c3: sizes(ALL_SHAPES, [4, 8, 22, 44, 88, 176]),
  c3d: sizes(ALL_SHAPES, [4, 8, 16, 30, 60, 90, 180, 360]),
  n4: sizes(ALL_SHAPES, [2, 4, 8, 16, 32, 48, 64, 80]),
  c4: sizes(ALL_SHAPES, [2, 4, 8, 16, 32, 48, 96, 144, 192]),
  c4d: sizes(ALL_SHAPES, [2, 4, 8, 16, 32, 48, 64, 96, 192, 384]),
};

/** Families that take custom machine types, `<family>-custom-<vCPUs>-<MiB>` (with `-ext` for extended memory). */
export const CUSTOM_FAMILIES: readonly string[] = ['e2', 'n2', 'n2d', 'n4'];

/** Whether a machine type of a family in MACHINE_FAMILIES exists: a predefined size, or a custom type where allowed. */
export function machineTypeExists(family: string, machineType: string): boolean {
  const size = machineType.slice(family.length + 1).replace(/-lssd$/, '');
  if (CUSTOM_FAMILIES.includes(family) && /^custom-\d{1,3}-\d{3,7}(-ext)?$/.test(size)) return true;
  return MACHINE_SIZES[family]?.includes(size) ?? false;
}
