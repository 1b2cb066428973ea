/**
 * The project's Docker registry (Artifact Registry) and the app's build settings: their spec types,
 * validation and defaults. Kept apart from resolve.ts so that the two hooks there (`resolveRegistry`,
 * `resolveAppBuild`) are all that ties them in.
 */
import { ConfigError } from './resolve';

/** Stack that owns the Artifact Registry repositories (one per GCP project). */
export const REGISTRY_STACK = 'registry';

/** Role the hosts' service account gets on the repository, and nowhere else. */
export const REGISTRY_READER_ROLE = 'roles/artifactregistry.reader';

/** Project-wide registry settings: `registry` in config/environments.ts. */
export interface RegistrySpec {
  /**
   * Repository id in Artifact Registry (the same in every project).
   * @default 'docker-hosts'
   */
  readonly repository?: string;
  /**
   * Region of the repository.
   * @default the region of the project's first environment
   */
  readonly location?: string;
  /**
   * Most recent versions of each image that the cleanup policies always keep.
   * @default 10
   */
  readonly keepVersions?: number;
  /**
   * Untagged versions (left behind when a tag moves) are deleted after this many days.
   * @default 7
   */
  readonly deleteUntaggedAfterDays?: number;
  /**
   * Tagged versions beyond the `keepVersions` most recent are deleted after this many days.
   * @default 30
   */
  readonly deleteTaggedAfterDays?: number;
}

export interface RegistryConfig {
  readonly repository: string;
  readonly location?: string;
  readonly keepVersions: number;
  readonly deleteUntaggedAfterDays: number;
  readonly deleteTaggedAfterDays: number;
}

/** `app.build`: build the app image from this repository instead of deploying a prebuilt one. */
export interface AppBuildSpec {
  /** Build context folder, relative to the repository root, e.g. `app`. */
  readonly context: string;
  /**
   * Dockerfile, relative to `context`.
   * @default 'Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Image name inside the registry repository: `<region>-docker.pkg.dev/<project>/<repo>/<name>`.
   * @default 'app'
   */
  readonly name?: string;
  /**
   * `--build-arg` values (never secrets: they are visible in the image history).
   * @default {}
   */
  readonly buildArgs?: Readonly<Record<string, string>>;
}

export interface AppBuildConfig {
  readonly context: string;
  readonly dockerfile: string;
  readonly name: string;
  readonly buildArgs: Readonly<Record<string, string>>;
}

/** One repository: where it is and the Docker URL prefix images are pushed under. */
export interface RegistryRepository {
  readonly project: string;
  readonly location: string;
  readonly repository: string;
  /** `<location>-docker.pkg.dev/<project>/<repository>` */
  readonly url: string;
}

const REPOSITORY_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
// A path below the repository root: no absolute path, no "..", no empty segment.
const RELATIVE_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_.\-/]+$/;
const IMAGE_NAME = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*$/;

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function refuseUnknown(env: string | undefined, field: string, value: object, known: readonly string[]): void {
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ConfigError(env, `${field}.${unknown[0]}`, `is not a known field (known: ${known.join(', ')})`);
  }
}

function matching(env: string | undefined, field: string, value: unknown, re: RegExp, allowed: string): string {
  if (typeof value !== 'string' || !re.test(value)) {
    throw new ConfigError(env, field, `must be ${allowed} (got ${show(value)})`);
  }
  return value;
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(undefined, field, `must be an integer from ${min} to ${max} (got ${show(value)})`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Validates `registry` and applies its defaults. */
export function resolveRegistry(spec: RegistrySpec | undefined): RegistryConfig {
  const raw: unknown = spec ?? {};
  if (!isObject(raw)) throw new ConfigError(undefined, 'registry', `must be an object (got ${show(raw)})`);
  refuseUnknown(undefined, 'registry', raw, [
    'repository',
    'location',
    'keepVersions',
    'deleteUntaggedAfterDays',
    'deleteTaggedAfterDays',
  ]);
  const r = raw as RegistrySpec;
  const repository = matching(
    undefined,
    'registry.repository',
    r.repository ?? 'docker-hosts',
    REPOSITORY_ID,
    'lowercase letters, digits and hyphens, starting with a letter, at most 63 characters',
  );
  const location =
    r.location === undefined
      ? undefined
      : matching(undefined, 'registry.location', r.location, REGION, 'a GCP region such as "europe-west1"');
  return {
    repository,
    ...(location === undefined ? {} : { location }),
    keepVersions: integer('registry.keepVersions', r.keepVersions ?? 10, 1, 1000),
    deleteUntaggedAfterDays: integer('registry.deleteUntaggedAfterDays', r.deleteUntaggedAfterDays ?? 7, 1, 365),
    deleteTaggedAfterDays: integer('registry.deleteTaggedAfterDays', r.deleteTaggedAfterDays ?? 30, 1, 3650),
  };
}

/** Validates `app.build` of one environment; undefined when the environment deploys a prebuilt image. */
export function resolveAppBuild(env: string, spec: unknown): AppBuildConfig | undefined {
  if (spec === undefined) return undefined;
  if (!isObject(spec)) {
    throw new ConfigError(env, 'app.build', `must be an object such as { context: "app" } (got ${show(spec)})`);
  }
  refuseUnknown(env, 'app.build', spec, ['context', 'dockerfile', 'name', 'buildArgs']);
  const path = 'a relative path inside the repository such as "app" (no "..", no leading "/")';
  const buildArgs: Record<string, string> = {};
  const args = spec.buildArgs ?? {};
  if (!isObject(args)) throw new ConfigError(env, 'app.build.buildArgs', `must be an object (got ${show(args)})`);
  for (const [key, value] of Object.entries(args)) {
    matching(env, 'app.build.buildArgs', key, BUILD_ARG, 'names of letters, digits and "_"');
    if (typeof value !== 'string') {
      throw new ConfigError(env, `app.build.buildArgs.${key}`, `must be a string (got ${show(value)})`);
    }
    buildArgs[key] = value;
  }
  return {
    context: matching(env, 'app.build.context', spec.context, RELATIVE_PATH, path),
    dockerfile: matching(env, 'app.build.dockerfile', spec.dockerfile ?? 'Dockerfile', RELATIVE_PATH, path),
    name: matching(env, 'app.build.name', spec.name ?? 'app', IMAGE_NAME, 'an image name such as "reddit"'),
    buildArgs,
  };
}

/** The Docker URL prefix of a repository: `<location>-docker.pkg.dev/<project>/<repository>`. */
export function registryUrl(location: string, project: string, repository: string): string {
  return `${location}-docker.pkg.dev/${project}/${repository}`;
}

interface RegistryInputs {
  readonly registry: RegistryConfig;
  readonly environments: readonly { readonly name: string; readonly projectId: string; readonly region: string }[];
}

/** One repository per GCP project, in `registry.location` or the region of the project's first environment. */
export function registryRepositories(config: RegistryInputs): RegistryRepository[] {
  const byProject = new Map<string, RegistryRepository>();
  for (const env of config.environments) {
    if (byProject.has(env.projectId)) continue;
    const location = config.registry.location ?? env.region;
    const { repository } = config.registry;
    byProject.set(env.projectId, {
      project: env.projectId,
      location,
      repository,
      url: registryUrl(location, env.projectId, repository),
    });
  }
  return [...byProject.values()];
}

/** The repository an environment pushes to and pulls from. */
export function environmentRegistry(config: RegistryInputs, environment: string): RegistryRepository {
  const env = config.environments.find((e) => e.name === environment);
  if (env === undefined) throw new Error(`no environment "${environment}"`);
  const repo = registryRepositories(config).find((r) => r.project === env.projectId);
  if (repo === undefined) throw new Error(`no registry repository for project "${env.projectId}"`);
  return repo;
}

/** Environments with `app.build` get `app.image` = `<registry url>/<build name>` (untagged: the build adds the tag). */
export function withRegistryImages<E extends RegistryInputs['environments'][number] & { readonly app: AppLike }>(
  environments: readonly E[],
  registry: RegistryConfig,
): E[] {
  return environments.map((env) => {
    if (env.app.build === undefined) return env;
    const repo = environmentRegistry({ registry, environments }, env.name);
    return { ...env, app: { ...env.app, image: `${repo.url}/${env.app.build.name}` } };
  });
}

interface AppLike {
  readonly image: string;
  readonly build?: AppBuildConfig;
}
