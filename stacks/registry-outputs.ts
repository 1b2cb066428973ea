/**
 * The outputs contract of the registry stack, in both directions: what it outputs (`registryOutputs`, turned into
 * TerraformOutputs by stacks/registry-stack.ts) and the typed parser the driver reads `cdktf deploy registry
 * --outputs-file` with. A consumer (the `hosts` step's `docker_host_registry_hosts`) reads the output; nobody derives
 * the registry's host or URL from config again. The environment stacks' contract is stacks/outputs.ts's.
 * No cdktf import: the driver loads this file.
 */
import { environmentRegistry, registryRepositories, type ProjectConfig } from '../config';
import { REGISTRY_STACK } from '../lib/constants';
import { OutputDefinition } from './outputs';
import { OutputsError } from './outputs-parser';

/** The outputs of the registry stack. */
export interface RegistryOutputs {
  /** `{ <project>: "<location>-docker.pkg.dev/<project>/<repository>" }` */
  readonly repositories: Readonly<Record<string, string>>;
  /** The repository URL each environment pushes to and its hosts pull from. */
  readonly environment_registries: Readonly<Record<string, string>>;
  /** The registry host (`<location>-docker.pkg.dev`) of each environment: what its hosts' Docker authenticates to. */
  readonly environment_registry_hosts: Readonly<Record<string, string>>;
}

/** Every output of the registry stack, by output id. */
export function registryOutputs(
  config: ProjectConfig,
): Record<keyof RegistryOutputs, OutputDefinition> {
  const perEnvironment = (f: (url: string) => string) =>
    Object.fromEntries(
      config.environments.map((e) => [e.name, f(environmentRegistry(config, e.name).url)]),
    );
  return {
    repositories: {
      description:
        'Docker URL prefix of each project repository: <region>-docker.pkg.dev/<project>/<repository>',
      value: Object.fromEntries(registryRepositories(config).map((r) => [r.project, r.url])),
    },
    environment_registries: {
      description: 'The repository each environment pushes to and its hosts pull from',
      value: perEnvironment((url) => url),
    },
    environment_registry_hosts: {
      description:
        "The registry host of each environment: its hosts' Docker credential helper answers for it",
      value: perEnvironment((url) => url.split('/')[0]),
    },
  };
}

const REGISTRY_HOST = /^[a-z0-9-]+-docker\.pkg\.dev$/;
const REPOSITORY_URL =
  /^[a-z0-9-]+-docker\.pkg\.dev\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

function stringMap(
  raw: Record<string, unknown>,
  name: string,
  re: RegExp,
  where: string,
): Record<string, string> {
  if (!(name in raw)) throw new OutputsError(`${where}: missing output "${name}"`);
  const value = raw[name];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OutputsError(
      `${where}: output "${name}" must be an object, got ${JSON.stringify(value)}`,
    );
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string' || !re.test(v)) {
      throw new OutputsError(
        `${where}: output "${name}"["${key}"] must match ${re.source}, got ${JSON.stringify(v)}`,
      );
    }
  }
  return value as Record<string, string>;
}

/** Validates an outputs file's content (already JSON-parsed) and returns the registry stack's outputs. */
export function parseRegistryOutputs(
  json: unknown,
  stack: string = REGISTRY_STACK,
): RegistryOutputs {
  const raw =
    json !== null && typeof json === 'object'
      ? (json as Record<string, unknown>)[stack]
      : undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new OutputsError(`outputs have no stack "${stack}" (or it is not an object)`);
  }
  const where = `stack "${stack}"`;
  const fields = raw as Record<string, unknown>;
  return {
    repositories: stringMap(fields, 'repositories', REPOSITORY_URL, where),
    environment_registries: stringMap(fields, 'environment_registries', REPOSITORY_URL, where),
    environment_registry_hosts: stringMap(
      fields,
      'environment_registry_hosts',
      REGISTRY_HOST,
      where,
    ),
  };
}

/** The registry host of one environment, from the registry stack's outputs. */
export function registryHostOf(
  outputs: RegistryOutputs,
  environment: string,
  stack: string = REGISTRY_STACK,
): string {
  const host = outputs.environment_registry_hosts[environment];
  if (host === undefined) {
    throw new OutputsError(
      `stack "${stack}": output "environment_registry_hosts" has no entry for environment "${environment}" ` +
        '(the registry stack was deployed before this environment was configured: deploy it again, --from registry)',
    );
  }
  return host;
}
