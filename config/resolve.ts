import { homedir } from 'node:os';
import {
  EnvironmentConfig,
  EnvironmentSpec,
  IAP_SSH_RANGE,
  MAX_HOST_COUNT,
  PLACEHOLDER_PROJECT_ID,
  ProjectConfig,
  ProjectSpec,
  WIDEST_ADMIN_PREFIX,
} from './environment-config';

/** A configuration mistake, reported as one line that names the environment and the field. */
export class ConfigError extends Error {
  constructor(
    readonly environment: string | undefined,
    readonly field: string,
    readonly detail: string,
  ) {
    super(
      `config error: ${environment === undefined ? '' : `environment "${environment}": `}` +
        `field "${field}" ${detail}`,
    );
    this.name = 'ConfigError';
  }
}

/** What resolution may read from the outside world; injected so tests control it. */
export interface ResolveContext {
  /** Process environment (GOOGLE_PROJECT, DOCKER_HOSTS_SSH_PUBLIC_KEY). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Returns a file's text, or undefined when it does not exist. */
  readonly readFile: (path: string) => string | undefined;
  /** Receives advisory messages (placeholder project, missing SSH key); each is sent once. */
  readonly warn: (message: string) => void;
  /** Home directory for `~` expansion. */
  readonly home?: string;
}

const PATTERNS = {
  name: {
    re: /^[a-z]([a-z0-9-]{0,15}[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and hyphens, starting with a letter, at most 17 characters',
  },
  projectId: {
    re: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    allowed: '6-30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen',
  },
  region: { re: /^[a-z]+-[a-z]+[0-9]+$/, allowed: 'a GCP region such as "europe-west1"' },
  machineType: { re: /^[a-z][a-z0-9]*-[a-z0-9-]+$/, allowed: 'a machine type such as "e2-small" or "n2-standard-2"' },
  imageFamily: {
    re: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
    allowed: 'a non-empty image family name: lowercase letters, digits and hyphens, at most 63 characters',
  },
  // Packer names images `<family>-<14-digit timestamp>`, and image names stop at 63 characters.
  builtImageFamily: {
    re: /^[a-z]([-a-z0-9]{0,46}[a-z0-9])?$/,
    allowed:
      'a non-empty image family name: lowercase letters, digits and hyphens, at most 48 characters ' +
      '(Packer appends "-<timestamp>" and image names stop at 63)',
  },
  network: { re: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, allowed: 'a VPC network name such as "default"' },
  sshUser: { re: /^[a-z_][a-z0-9_-]{0,31}$/, allowed: 'a POSIX user name such as "deploy"' },
  containerName: { re: /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, allowed: 'a Docker container name such as "app"' },
  image: {
    re: /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    allowed: 'a Docker image reference such as "vladimirdenisov69/otus-reddit:1.0"',
  },
  labelKey: {
    re: /^[a-z][a-z0-9_-]{0,62}$/,
    allowed: 'lowercase letters, digits, "_" and "-", starting with a letter, at most 63 characters',
  },
  labelValue: { re: /^[a-z0-9_-]{0,63}$/, allowed: 'lowercase letters, digits, "_" and "-", at most 63 characters' },
  stateLocation: {
    re: /^([A-Z]+|[A-Z]+-[A-Z]+[0-9]+|[a-z]+-[a-z]+[0-9]+)$/,
    allowed: 'a GCS location such as "EU", "US" or "europe-west1"',
  },
  sshKey: {
    re: /^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/,
    allowed: 'one OpenSSH public key line such as "ssh-ed25519 AAAA... user@host"',
  },
} as const;

const LABELS_ALWAYS_SET = ['env', 'role', 'managed-by'];

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function check(
  env: string | undefined,
  field: string,
  value: unknown,
  pattern: { re: RegExp; allowed: string },
): string {
  if (typeof value !== 'string' || !pattern.re.test(value)) {
    throw new ConfigError(env, field, `must be ${pattern.allowed} (got ${show(value)})`);
  }
  return value;
}

function checkInt(env: string | undefined, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(env, field, `must be an integer from ${min} to ${max} (got ${show(value)})`);
  }
  return value;
}

/** Parses a dotted-quad IPv4 CIDR; returns undefined when malformed or when host bits are set. */
export function parseCidr(cidr: string): { address: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o, i) => o > 255 || m[i + 1] !== String(o)) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) return undefined;
  return { address, prefix };
}

function checkRanges(
  env: string,
  field: string,
  value: unknown,
  allowAnywhere: boolean,
  anywhereFlag?: string,
): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(
      env,
      field,
      `must be a non-empty list of IPv4 CIDR ranges such as "203.0.113.0/24" (got ${show(value)})`,
    );
  }
  const seen = new Set<string>();
  for (const range of value) {
    if (typeof range !== 'string' || parseCidr(range) === undefined) {
      throw new ConfigError(
        env,
        field,
        `must contain IPv4 CIDR ranges such as "203.0.113.0/24" with no host bits set (got ${show(range)})`,
      );
    }
    if (!allowAnywhere && (parseCidr(range)?.prefix ?? 32) < WIDEST_ADMIN_PREFIX) {
      throw new ConfigError(
        env,
        field,
        `must not contain "${range}" (wider than a /${WIDEST_ADMIN_PREFIX}: that is the internet) ` +
          `unless ${anywhereFlag} is true (got ${show(value)})`,
      );
    }
    if (seen.has(range)) throw new ConfigError(env, field, `must not repeat a range (got "${range}" twice)`);
    seen.add(range);
  }
  return [...value];
}

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? `${home}/${path.slice(2)}` : path;
}

/** `docker-host-001` ... : zero-padded so names sort in creation order. */
export function hostName(index: number): string {
  return `docker-host-${String(index).padStart(3, '0')}`;
}

/** The ~/.ssh/config alias of a host reached through IAP, e.g. `stage-docker-host-001` (DOCKER_HOST=ssh://<alias>). */
export function sshHostAlias(environment: string, host: string): string {
  return `${environment}-${host}`;
}

/** GCS bucket names are global: derive the state bucket from the project id. */
export function stateBucketName(projectId: string): string {
  return `${projectId}-tfstate`;
}

/** The object prefix under which one environment's state lives in its bucket. */
export function statePrefix(environment: string): string {
  return `docker-hosts/${environment}`;
}

function resolveEnvironment(
  spec: EnvironmentSpec,
  ctx: ResolveContext,
  home: string,
  missingKeys: string[],
): EnvironmentConfig {
  if (spec === null || typeof spec !== 'object') {
    throw new ConfigError(undefined, 'environments[]', `must be an object with a "name" (got ${show(spec)})`);
  }
  const name = check(undefined, 'name', spec.name, PATTERNS.name);
  const envProject = ctx.env.GOOGLE_PROJECT?.trim() || undefined;
  const rawProject = spec.projectId ?? envProject;
  const projectField = spec.projectId !== undefined ? 'projectId' : 'projectId (from GOOGLE_PROJECT)';
  const projectId =
    rawProject === undefined ? PLACEHOLDER_PROJECT_ID : check(name, projectField, rawProject, PATTERNS.projectId);

  const region = check(name, 'region', spec.region, PATTERNS.region);
  if (typeof spec.zone !== 'string' || !new RegExp(`^${region}-[a-z]$`).test(spec.zone)) {
    throw new ConfigError(
      name,
      'zone',
      `must be a zone of region "${region}" such as "${region}-b" (got ${show(spec.zone)})`,
    );
  }
  const hostCount = checkInt(name, 'hostCount', spec.hostCount ?? 1, 1, MAX_HOST_COUNT);

  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.labels ?? {})) {
    check(name, `labels`, key, PATTERNS.labelKey);
    check(name, `labels.${key}`, value, PATTERNS.labelValue);
    if (LABELS_ALWAYS_SET.includes(key)) {
      throw new ConfigError(
        name,
        `labels.${key}`,
        `is set by the stacks and must not be overridden (reserved: ${LABELS_ALWAYS_SET.join(', ')})`,
      );
    }
    labels[key] = value;
  }

  const allowSshFromAnywhere = spec.allowSshFromAnywhere ?? false;
  if (typeof allowSshFromAnywhere !== 'boolean') {
    throw new ConfigError(name, 'allowSshFromAnywhere', `must be true or false (got ${show(allowSshFromAnywhere)})`);
  }

  const ssh = spec.ssh ?? {};
  if (ssh.osLogin === true && ssh.user === undefined) {
    throw new ConfigError(
      name,
      'ssh.user',
      'must be your OS Login POSIX user name, such as "ops_example_com", when ssh.osLogin is true (got nothing)',
    );
  }
  const sshUser = check(name, 'ssh.user', ssh.user ?? 'deploy', PATTERNS.sshUser);
  const publicKeyFile = expandHome(ssh.publicKeyFile ?? '~/.ssh/docker-hosts.pub', home);
  const privateKeyFile = expandHome(ssh.privateKeyFile ?? '~/.ssh/docker-hosts', home);
  const osLogin = ssh.osLogin ?? false;
  if (typeof osLogin !== 'boolean')
    throw new ConfigError(name, 'ssh.osLogin', `must be true or false (got ${show(osLogin)})`);
  let publicKey: string | undefined;
  if (!osLogin) {
    const keyFromEnv = ctx.env.DOCKER_HOSTS_SSH_PUBLIC_KEY?.trim() || undefined;
    const [keyField, rawKey] =
      ssh.publicKey !== undefined
        ? ['ssh.publicKey', ssh.publicKey]
        : keyFromEnv !== undefined
          ? ['ssh.publicKey (from DOCKER_HOSTS_SSH_PUBLIC_KEY)', keyFromEnv]
          : [`ssh.publicKeyFile (${publicKeyFile})`, ctx.readFile(publicKeyFile)?.trim()];
    if (rawKey === undefined) {
      missingKeys.push(`${name} (${publicKeyFile})`);
    } else {
      publicKey = check(name, keyField, rawKey, PATTERNS.sshKey);
    }
  }

  const sshSourceRanges = checkRanges(
    name,
    'sshSourceRanges',
    spec.sshSourceRanges ?? [IAP_SSH_RANGE],
    allowSshFromAnywhere,
    'allowSshFromAnywhere',
  );
  const connectVia = ssh.connectVia ?? (sshSourceRanges.every((r) => r === IAP_SSH_RANGE) ? 'iap' : 'direct');
  if (connectVia !== 'direct' && connectVia !== 'iap') {
    throw new ConfigError(name, 'ssh.connectVia', `must be "direct" or "iap" (got ${show(connectVia)})`);
  }
  // The route must be one the environment's own firewall lets through, or the run fails late, at SSH.
  if (connectVia === 'iap' && !sshSourceRanges.includes(IAP_SSH_RANGE)) {
    throw new ConfigError(
      name,
      'ssh.connectVia',
      `is "iap", so sshSourceRanges must include Google's IAP range "${IAP_SSH_RANGE}" ` +
        `(got ${show(sshSourceRanges)}); or set connectVia to "direct"`,
    );
  }
  if (connectVia === 'direct' && sshSourceRanges.every((r) => r === IAP_SSH_RANGE)) {
    throw new ConfigError(
      name,
      'ssh.connectVia',
      `is "direct", so sshSourceRanges must include the network you connect from, not only IAP's ` +
        `"${IAP_SSH_RANGE}" (got ${show(sshSourceRanges)}); or set connectVia to "iap"`,
    );
  }

  const app = spec.app ?? {};
  const config: EnvironmentConfig = {
    name,
    projectId,
    projectIdIsPlaceholder: rawProject === undefined,
    region,
    zone: spec.zone,
    hostCount,
    hostNames: Array.from({ length: hostCount }, (_, i) => hostName(i + 1)),
    machineType: check(name, 'machineType', spec.machineType ?? 'e2-small', PATTERNS.machineType),
    diskSizeGb: checkInt(name, 'diskSizeGb', spec.diskSizeGb ?? 20, 10, 2000),
    imageFamily: check(name, 'imageFamily', spec.imageFamily ?? 'docker-host-base', PATTERNS.builtImageFamily),
    sourceImageFamily: check(name, 'sourceImageFamily', spec.sourceImageFamily ?? 'debian-13', PATTERNS.imageFamily),
    sourceImageProject: check(
      name,
      'sourceImageProject',
      spec.sourceImageProject ?? 'debian-cloud',
      PATTERNS.projectId,
    ),
    network: check(name, 'network', spec.network ?? 'default', PATTERNS.network),
    appSourceRanges: checkRanges(name, 'appSourceRanges', spec.appSourceRanges ?? ['0.0.0.0/0'], true),
    sshSourceRanges,
    allowSshFromAnywhere,
    labels,
    ssh: { user: sshUser, publicKey, publicKeyFile, privateKeyFile, osLogin, connectVia },
    app: {
      image: check(name, 'app.image', app.image ?? 'vladimirdenisov69/otus-reddit:1.0', PATTERNS.image),
      port: checkInt(name, 'app.port', app.port ?? 9292, 1024, 65535),
      containerName: check(name, 'app.containerName', app.containerName ?? 'app', PATTERNS.containerName),
    },
    state: { bucket: stateBucketName(projectId), prefix: statePrefix(name) },
  };
  return deepFreeze(config);
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
 * Throws a ConfigError naming the environment, the field, what was given and what is allowed.
 */
export function resolveProject(spec: ProjectSpec, ctx: ResolveContext): ProjectConfig {
  const home = ctx.home ?? homedir();
  if (!Array.isArray(spec.environments) || spec.environments.length === 0) {
    throw new ConfigError(
      undefined,
      'environments',
      `must list at least one environment (got ${show(spec.environments)})`,
    );
  }
  const stateLocation = check(undefined, 'stateLocation', spec.stateLocation ?? 'EU', PATTERNS.stateLocation);
  const stateVersionsKept = checkInt(undefined, 'stateVersionsKept', spec.stateVersionsKept ?? 10, 1, 100);

  const backendState = spec.backendState ?? 'local';
  if (backendState !== 'local' && backendState !== 'gcs') {
    throw new ConfigError(undefined, 'backendState', `must be "local" or "gcs" (got ${show(backendState)})`);
  }

  const missingKeys: string[] = [];
  const environments = spec.environments.map((e) => resolveEnvironment(e, ctx, home, missingKeys));
  const seen = new Set<string>();
  for (const e of environments) {
    if (seen.has(e.name)) {
      throw new ConfigError(e.name, 'name', `must be unique across environments (got "${e.name}" twice)`);
    }
    if (e.name === 'backend') {
      throw new ConfigError(e.name, 'name', 'must not be "backend", the name of the state stack (got "backend")');
    }
    seen.add(e.name);
  }
  // Instance names (docker-host-001...) are unique per project and zone only.
  const placements = new Map<string, string>();
  for (const e of environments) {
    const key = `${e.projectId}/${e.zone}`;
    const other = placements.get(key);
    if (other !== undefined) {
      throw new ConfigError(
        e.name,
        'zone',
        `must differ from environment "${other}" in the same project, or their docker-host-NNN names collide (got "${e.zone}" for both)`,
      );
    }
    placements.set(key, e.name);
  }
  if (missingKeys.length > 0) {
    ctx.warn(
      `no SSH public key for ${missingKeys.join(', ')} and no DOCKER_HOSTS_SSH_PUBLIC_KEY: the hosts get no login key ` +
        `(create one with: ssh-keygen -t ed25519 -f ~/.ssh/docker-hosts)`,
    );
  }
  const placeholders = environments.filter((e) => e.projectIdIsPlaceholder).map((e) => e.name);
  if (placeholders.length > 0) {
    ctx.warn(
      `no GCP project set for ${placeholders.join(', ')} (set GOOGLE_PROJECT or projectId in config/environments.ts); ` +
        `using the placeholder "${PLACEHOLDER_PROJECT_ID}": fine for synth and review, not for deploy`,
    );
  }
  return deepFreeze({ stateLocation, backendState, stateVersionsKept, environments });
}
