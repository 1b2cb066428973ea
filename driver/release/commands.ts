/**
 * The commands of a release's build-and-push, as argv arrays with the environment they add: pure
 * builders, no process is started here. The image is built by the Docker engine of the environment's
 * first host over SSH (`DOCKER_HOST=ssh://…`, as the original setup built on the docker-machine
 * host), or by the operator's own Docker with `--local`. The docker CLI always runs on the operator's
 * machine and authenticates to the registry with the operator's credentials
 * (`gcloud auth configure-docker <region>-docker.pkg.dev`); hosts only ever pull.
 */
import { join } from 'node:path';
import { ReleaseError } from './image-ref';

/** Where `docker build` runs: the first host's engine over SSH, or the local engine. */
export type BuildTarget =
  { readonly kind: 'remote'; readonly dockerHost: string } | { readonly kind: 'local' };

/** One process: program, argument array, and only the environment variables it adds. */
export interface ReleaseCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface BuildInput {
  readonly target: BuildTarget;
  /** `<repository>:<tag>` (image-ref.ts taggedReference). */
  readonly reference: string;
  /** Build context folder (relative to `cwd` of the step, normally the repository root). */
  readonly context: string;
  /** Dockerfile relative to `context`. */
  readonly dockerfile: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** The git commit the image is built from (recorded as the OCI revision label). */
  readonly revision: string;
}

const DOCKER_HOST = /^ssh:\/\/([a-z_][a-z0-9_.-]*@)?[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?$/;

/** The environment that points the docker CLI at the target's engine. */
export function dockerEnv(target: BuildTarget): Readonly<Record<string, string>> {
  if (target.kind === 'local') return {};
  if (!DOCKER_HOST.test(target.dockerHost)) {
    throw new ReleaseError(
      `DOCKER_HOST for the build must be ssh://[user@]host[:port] such as "ssh://deploy@203.0.113.10" (got "${target.dockerHost}")`,
    );
  }
  return { DOCKER_HOST: target.dockerHost };
}

/** `docker build --pull` with the tag, the build args (sorted, so the command is stable) and the revision label. */
export function buildCommand(input: BuildInput): ReleaseCommand {
  const buildArgs = Object.keys(input.buildArgs)
    .sort()
    .flatMap((key) => ['--build-arg', `${key}=${input.buildArgs[key]}`]);
  return {
    command: 'docker',
    args: [
      'build',
      // The base image is refreshed for every new commit (security updates); a built tag is never rebuilt.
      '--pull',
      '--file',
      join(input.context, input.dockerfile),
      '--tag',
      input.reference,
      '--label',
      `org.opencontainers.image.revision=${input.revision}`,
      ...buildArgs,
      input.context,
    ],
    env: dockerEnv(input.target),
  };
}

/**
 * Does the tag exist in the registry? `docker manifest inspect` asks the registry directly (from the
 * operator's CLI, whatever DOCKER_HOST says): exit 0 when it exists. See tagExistence().
 */
export function tagExistsCommand(reference: string): ReleaseCommand {
  return { command: 'docker', args: ['manifest', 'inspect', reference], env: {} };
}

/** Reads `docker manifest inspect`'s result: the tag exists, is missing, or the question failed. */
export function tagExistence(exitCode: number, stderr: string): 'exists' | 'missing' {
  if (exitCode === 0) return 'exists';
  if (/no such manifest|manifest unknown/i.test(stderr)) return 'missing';
  const first = stderr.split('\n').find((l) => l.trim() !== '') ?? `exit code ${exitCode}`;
  throw new ReleaseError(`could not ask the registry whether the tag exists: ${first.trim()}`);
}

/** `docker push` of the tag from the engine that built it; its output carries the digest (digestFromPush). */
export function pushCommand(reference: string, target: BuildTarget): ReleaseCommand {
  return { command: 'docker', args: ['push', reference], env: dockerEnv(target) };
}

/** The pushed image's RepoDigests on the engine that built it (digestFromRepoDigests). */
export function repoDigestsCommand(reference: string, target: BuildTarget): ReleaseCommand {
  return {
    command: 'docker',
    args: ['image', 'inspect', '--format', '{{json .RepoDigests}}', reference],
    env: dockerEnv(target),
  };
}

/** The digest of a tag already in the registry, when the build is skipped (digestFromImagetools). */
export function remoteDigestCommand(reference: string): ReleaseCommand {
  return { command: 'docker', args: ['buildx', 'imagetools', 'inspect', reference], env: {} };
}

/** What the build step will run, in order, for --dry-run: the check, then build, push and digest. */
export function buildAndPushPlan(
  input: BuildInput,
): readonly { step: string; run: ReleaseCommand }[] {
  return [
    { step: 'tag exists?', run: tagExistsCommand(input.reference) },
    { step: 'build', run: buildCommand(input) },
    { step: 'push', run: pushCommand(input.reference, input.target) },
    { step: 'digest', run: repoDigestsCommand(input.reference, input.target) },
  ];
}
