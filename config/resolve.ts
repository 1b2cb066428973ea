/**
 * Resolution of config/environments.ts into validated, defaulted, frozen values: the shape first (unknown keys,
 * wrong kinds), then each section (host, network, ssh, app, rollout, labels; state and registry project-wide), then the rules that hold
 * across environments. A pure function of the spec and the repository: it reads no environment variable and no file
 * outside the repository (given `root`, only app.build's context and Dockerfile are looked at, to keep them inside
 * it), so the synthesized JSON is the same on every machine (`home` only expands the driver's local private-key path).
 */
import { homedir } from 'node:os';
import {
  EnvironmentConfig,
  EnvironmentSpec,
  PLACEHOLDER_PROJECT_ID,
  ProjectConfig,
  ProjectSpec,
} from './environment-config';
import { DEFAULTS } from './defaults';
import { checkBool, checkPattern } from './error';
import { PATTERNS } from './patterns';
import { resolveAccessories } from './resolve-accessories';
import { resolveApp } from './resolve-app';
import { resolveDataDisk } from './resolve-data-disk';
import { resolveExposure } from './resolve-exposure';
import { resolveHost, stateBucketName } from './resolve-host';
import { resolveLabels } from './resolve-labels';
import { refuseHostData, resolveFleet } from './resolve-managed';
import { resolveNetwork } from './resolve-network';
import { resolveRegistry } from './resolve-registry';
import { resolveRollout } from './resolve-rollout';
import { resolveSsh } from './resolve-ssh';
import { checkAcrossEnvironments, resolveState, statePrefix } from './resolve-state';
import { withRegistryImages } from './registry';
import { checkProjectShape } from './schema';

export { ConfigError } from './error';
export { parseCidr } from './cidr';
export { hostName, stateBucketName } from './resolve-host';
export { statePrefix } from './resolve-state';

/** What resolution may take from the process: where messages go, and the home for `~` in local paths. */
export interface ResolveContext {
  /** Receives advisory messages (the placeholder project); each is sent once. */
  readonly warn?: (message: string) => void;
  /** Home directory for `~` in ssh.privateKeyFile (a local path, never synthesized). @default os.homedir() */
  readonly home?: string;
  /** The repository root: given it, app.build's context and Dockerfile must exist inside it (after every link). */
  readonly root?: string;
}

/** The ~/.ssh/config alias of a host reached through IAP, e.g. `stage-docker-host-001` (DOCKER_HOST=ssh://<alias>). */
export function sshHostAlias(environment: string, host: string): string {
  return `${environment}-${host}`;
}

function resolveEnvironment(
  spec: EnvironmentSpec,
  home: string,
  root: string | undefined,
): EnvironmentConfig {
  const name = checkPattern({ env: undefined, name: 'name' }, spec.name, PATTERNS.name);
  const host = resolveHost(name, spec);
  const exposure = resolveExposure(name, spec);
  const { connectVia, ...network } = resolveNetwork(name, spec, exposure.exposure);
  const fleet = resolveFleet(name, spec, exposure.exposure);
  const managed = fleet.fleet === 'managed';
  const app = resolveApp(name, spec.app, root);
  if (managed) refuseHostData(name, spec, app);
  const dataDisk = resolveDataDisk(name, spec.dataDisk, host);
  return {
    name,
    ...host,
    // A managed group's hosts are Google's to name and count.
    ...(managed ? { hostCount: 0, hostNames: [] } : {}),
    ...network,
    ...exposure,
    deletionProtection: checkBool(
      { env: name, name: 'deletionProtection' },
      spec.deletionProtection ?? DEFAULTS.deletionProtection,
    ),
    labels: resolveLabels(name, spec.labels),
    ssh: { ...resolveSsh(name, spec.ssh, home), connectVia },
    app,
    accessories: resolveAccessories(name, spec.accessories, { hostNames: host.hostNames, app }),
    ...(dataDisk === undefined ? {} : { dataDisk }),
    rollout: managed ? DEFAULTS.rollout : resolveRollout(name, spec.rollout, host.hostCount),
    ...fleet,
    state: { bucket: stateBucketName(host.projectId), prefix: statePrefix(name) },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates the whole project configuration and applies every default.
 * Throws a ConfigError naming the environment, the field, what was given (never key material) and what is allowed.
 */
export function resolveProject(spec: ProjectSpec, ctx: ResolveContext = {}): ProjectConfig {
  checkProjectShape(spec);
  const state = resolveState(spec);
  const home = ctx.home ?? homedir();
  const registry = resolveRegistry(spec.registry);
  // Environments with app.build get their image's registry path once the project's repository is known.
  const environments = withRegistryImages(
    spec.environments.map((e) => resolveEnvironment(e, home, ctx.root)),
    registry,
  );
  checkAcrossEnvironments(environments);
  const placeholders = environments.filter((e) => e.projectIdIsPlaceholder).map((e) => e.name);
  if (placeholders.length > 0) {
    ctx.warn?.(
      `no GCP project set for ${placeholders.join(', ')} (set projectId in config/environments.ts); ` +
        `using the placeholder "${PLACEHOLDER_PROJECT_ID}": fine for synth and review, not for deploy`,
    );
  }
  return deepFreeze({ ...state, registry, environments });
}
