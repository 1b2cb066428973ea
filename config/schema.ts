/**
 * The shape of config/environments.ts, checked before any value is: every record and nested object, unknown keys
 * and wrong kinds. `tsc` catches these too, but only in `npm test`: synth and the driver run bundled, untyped
 * JavaScript, where `hostcount: 3` would silently mean one host.
 */
import type { ManagedSpec, ManagedTargetSpec } from './managed';
import {
  AccessorySpec,
  AppSpec,
  DataDiskSpec,
  EnvironmentSpec,
  ProjectSpec,
  RolloutSpec,
  SecretVersionSpec,
  SnapshotSpec,
  SshSpec,
} from './environment-config';
import type { AppBuildSpec, RegistrySpec } from './registry';
import { Field, fail } from './error';
import { looksLikeKeyMaterial, MAX_SHOWN, show } from './redact';
import { closest } from '../lib/cli/suggest';

type Kind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'strings'
  | 'labels'
  | 'buildArgs'
  | 'records'
  | 'countOrShare'
  | 'env'
  | 'secrets'
  | 'version'
  | 'accessories'
  | Shape;
interface Shape {
  readonly [key: string]: Kind;
}
type ShapeOf<T> = { readonly [K in keyof Required<T>]: Kind };

const SSH: ShapeOf<SshSpec> = {
  user: 'string',
  publicKeys: 'strings',
  osLogin: 'boolean',
  privateKeyFile: 'string',
  connectVia: 'string',
};
const BUILD: ShapeOf<AppBuildSpec> = {
  context: 'string',
  dockerfile: 'string',
  name: 'string',
  buildArgs: 'buildArgs',
};
const APP: ShapeOf<AppSpec> = {
  image: 'string',
  build: BUILD,
  port: 'number',
  containerName: 'string',
  healthCheckPath: 'string',
  env: 'env',
  secrets: 'secrets',
  volumes: 'strings',
};
/** The object form of a secret (`{ secret, version }`); the string form is its id. */
const SECRET: ShapeOf<SecretVersionSpec> = { secret: 'string', version: 'version' };
const ACCESSORY: ShapeOf<AccessorySpec> = {
  image: 'string',
  port: 'number',
  host: 'string',
  env: 'env',
  secrets: 'secrets',
  volumes: 'strings',
};
const SNAPSHOTS: ShapeOf<SnapshotSpec> = { schedule: 'string', retentionDays: 'number' };
const DATA_DISK: ShapeOf<DataDiskSpec> = {
  sizeGb: 'number',
  type: 'string',
  hosts: 'strings',
  snapshots: SNAPSHOTS,
};
const ROLLOUT: ShapeOf<RolloutSpec> = {
  canary: 'number',
  batch: 'countOrShare',
};
const TARGET: ShapeOf<ManagedTargetSpec> = { cpu: 'number', lbUtilization: 'number' };
const MANAGED: ShapeOf<ManagedSpec> = {
  minHosts: 'number',
  maxHosts: 'number',
  target: TARGET,
  maxSurge: 'countOrShare',
  initialDelaySec: 'number',
};
const REGISTRY: ShapeOf<RegistrySpec> = {
  repository: 'string',
  location: 'string',
  keepVersions: 'number',
  deleteUntaggedAfterDays: 'number',
  deleteTaggedAfterDays: 'number',
};
const ENVIRONMENT: ShapeOf<EnvironmentSpec> = {
  name: 'string',
  projectId: 'string',
  region: 'string',
  zone: 'string',
  hostCount: 'number',
  machineType: 'string',
  diskType: 'string',
  diskSizeGb: 'number',
  imageFamily: 'string',
  sourceImageFamily: 'string',
  sourceImageProject: 'string',
  network: 'string',
  exposure: 'string',
  domain: 'string',
  lbLogSampleRate: 'number',
  deletionProtection: 'boolean',
  appSourceRanges: 'strings',
  sshSourceRanges: 'strings',
  allowSshFromAnywhere: 'boolean',
  labels: 'labels',
  ssh: SSH,
  app: APP,
  rollout: ROLLOUT,
  fleet: 'string',
  managed: MANAGED,
  accessories: 'accessories',
  dataDisk: DATA_DISK,
};
const PROJECT: ShapeOf<ProjectSpec> = {
  environments: 'records',
  stateLocation: 'string',
  stateVersionsKept: 'number',
  backendState: 'string',
  registry: REGISTRY,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(kind: Kind): string {
  if (typeof kind !== 'string') return `an object with the fields ${Object.keys(kind).join(', ')}`;
  const words = { string: 'a string', number: 'a number', boolean: 'true or false' } as const;
  if (kind === 'strings') return 'a list of strings';
  if (kind === 'records') return 'a list of environment records';
  if (kind === 'countOrShare') return 'a number of hosts or a percentage such as "25%"';
  if (kind === 'labels') return 'an object of string values, such as { team: "ops" }';
  if (kind === 'buildArgs') return 'an object of string values, such as { RUBY_VERSION: "3.3" }';
  if (kind === 'env') return 'an object of string values, such as { RACK_ENV: "production" }';
  if (kind === 'secrets')
    return 'an object of secret ids or { secret, version }, such as { DB_PASSWORD: "db-password" }';
  if (kind === 'version') return 'a version number or "latest"';
  if (kind === 'accessories')
    return 'an object of accessories by name, such as { mongo: { image: "mongo:4.4" } }';
  return words[kind];
}

function kindMatches(kind: Kind, value: unknown): boolean {
  if (kind === 'secrets')
    return (
      isRecord(value) && Object.values(value).every((v) => typeof v === 'string' || isRecord(v))
    );
  if (kind === 'accessories') return isRecord(value) && Object.values(value).every(isRecord);
  if (kind === 'version') return typeof value === 'number' || typeof value === 'string';
  if (typeof kind !== 'string' || kind === 'labels' || kind === 'buildArgs' || kind === 'env') {
    return (
      isRecord(value) &&
      (typeof kind !== 'string' || Object.values(value).every((v) => typeof v === 'string'))
    );
  }
  if (kind === 'records') return Array.isArray(value);
  if (kind === 'countOrShare') return typeof value === 'number' || typeof value === 'string';
  if (kind === 'strings') return Array.isArray(value) && value.every((v) => typeof v === 'string');
  return typeof value === kind;
}

function checkObject(
  env: string | undefined,
  path: string,
  value: Record<string, unknown>,
  shape: Shape,
): void {
  for (const [key, child] of Object.entries(value)) {
    // A key pasted as a field name is still a key: name it by its length only.
    const name =
      looksLikeKeyMaterial(key) || key.length > MAX_SHOWN
        ? `${path}<${key.length}-character name>`
        : `${path}${key}`;
    const kind = shape[key];
    if (kind === undefined && shape === PROJECT && Object.hasOwn(ENVIRONMENT, key)) {
      fail(
        { env, name },
        `is set per environment, not for the project: move it into each record of "environments"`,
      );
    }
    if (kind === undefined) {
      const guess = closest(key, Object.keys(shape));
      fail(
        { env, name },
        `is not a known field${guess === undefined ? '' : `; did you mean "${path}${guess}"?`}`,
      );
    }
    if (child === undefined) continue;
    if (!kindMatches(kind, child))
      fail({ env, name }, `must be ${describe(kind)} (got ${show(child)})`);
    checkChildren(env, name, kind, child);
  }
}

/** Nested objects: a shape's fields, each accessory's, each secret's object form. */
function checkChildren(env: string | undefined, name: string, kind: Kind, child: unknown): void {
  if (typeof kind !== 'string')
    checkObject(env, `${name}.`, child as Record<string, unknown>, kind);
  if (kind !== 'accessories' && kind !== 'secrets') return;
  for (const [key, value] of Object.entries(child as Record<string, unknown>)) {
    if (!isRecord(value)) continue;
    checkObject(env, `${name}.${key}.`, value, kind === 'secrets' ? SECRET : ACCESSORY);
  }
}

/** Throws a ConfigError for the first unknown key or wrong kind anywhere in the project spec. */
export function checkProjectShape(spec: unknown): void {
  const top: Field = { env: undefined, name: 'environments' };
  if (!isRecord(spec))
    fail({ env: undefined, name: '(project)' }, `must be an object (got ${show(spec)})`);
  checkObject(undefined, '', spec, PROJECT);
  const environments = spec.environments;
  if (!Array.isArray(environments) || environments.length === 0) {
    fail(top, `must list at least one environment (got ${show(environments)})`);
  }
  environments.forEach((record: unknown, i: number) => {
    if (!isRecord(record) || typeof record.name !== 'string') {
      fail(
        { env: undefined, name: `environments[${i}]` },
        `must be an object with a "name" (got ${show(record)})`,
      );
    }
    checkObject(record.name, '', record, ENVIRONMENT);
  });
}
