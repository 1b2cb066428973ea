import { readFileSync } from 'node:fs';
import { PROJECT } from './environments';
import { ProjectConfig, ProjectSpec } from './environment-config';
import { resolveProject, ResolveContext } from './resolve';

export * from './environment-config';
export * from './managed';
export { DEFAULTS } from './defaults';
export { coversInternet, ipv4Coverage } from './cidr';
export { MAX_LABELS } from './gcp';
export { looksLikeKeyMaterial } from './redact';
export {
  environmentRegistry,
  REGISTRY_READER_ROLE,
  REGISTRY_STACK,
  registryRepositories,
  registryUrl,
} from './registry';
export type {
  AppBuildConfig,
  AppBuildSpec,
  RegistryConfig,
  RegistryRepository,
  RegistrySpec,
} from './registry';
export {
  ConfigError,
  hostName,
  parseCidr,
  resolveProject,
  sshHostAlias,
  stateBucketName,
  statePrefix,
} from './resolve';
export type { ResolveContext } from './resolve';

/** A file's text, or undefined when it does not exist. */
export function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

interface Writable {
  write(text: string): unknown;
}

/**
 * The context of a real process: warnings on stderr; the repository is the working directory (where cdktf runs the
 * app, and where cdktf.out is written). Resolution reads no variable, and no file outside the repository.
 */
export function processContext(root: string = process.cwd()): ResolveContext {
  return { warn: (message) => process.stderr.write(`warning: ${message}\n`), root };
}

/**
 * The synth app's context (main.ts): a warning is `warning: …` on stderr, except under cdktf (which sets
 * CDKTF_OUTDIR): cdktf's exec logs every chunk its app writes on stderr at level error (`[ERROR] default - …`),
 * and prints what it writes on stdout as it is, so there the warning goes to stdout and reads as a warning.
 */
export function appContext(
  env: Readonly<Record<string, string | undefined>> = process.env,
  streams: { readonly stdout: Writable; readonly stderr: Writable } = process,
): ResolveContext {
  const stream = env.CDKTF_OUTDIR === undefined ? streams.stderr : streams.stdout;
  return { root: process.cwd(), warn: (message) => void stream.write(`warning: ${message}\n`) };
}

/** The repository's configuration (config/environments.ts), validated, for this process. */
export function loadProjectConfig(
  spec: ProjectSpec = PROJECT,
  ctx: ResolveContext = processContext(),
): ProjectConfig {
  return resolveProject(spec, ctx);
}
