/**
 * The project's Docker registry (Artifact Registry) and the app's build settings: their spec types, and what the
 * stacks derive from the resolved config (one repository per GCP project, each environment's repository).
 * Validation and defaults are config/resolve-registry.ts's and config/resolve-app.ts's.
 */
export { REGISTRY_STACK } from '../lib/constants';

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

/** The Docker URL prefix of a repository: `<location>-docker.pkg.dev/<project>/<repository>`. */
export function registryUrl(location: string, project: string, repository: string): string {
  return `${location}-docker.pkg.dev/${project}/${repository}`;
}

interface RegistryInputs {
  readonly registry: RegistryConfig;
  readonly environments: readonly {
    readonly name: string;
    readonly projectId: string;
    readonly region: string;
  }[];
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
export function environmentRegistry(
  config: RegistryInputs,
  environment: string,
): RegistryRepository {
  const env = config.environments.find((e) => e.name === environment);
  if (env === undefined) throw new Error(`no environment "${environment}"`);
  const repo = registryRepositories(config).find((r) => r.project === env.projectId);
  if (repo === undefined) throw new Error(`no registry repository for project "${env.projectId}"`);
  return repo;
}

/** Environments with `app.build` get `app.image` = `<registry url>/<build name>` (untagged: the build adds the tag). */
export function withRegistryImages<
  E extends RegistryInputs['environments'][number] & { readonly app: AppLike },
>(environments: readonly E[], registry: RegistryConfig): E[] {
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
