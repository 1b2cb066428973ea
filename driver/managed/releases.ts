/**
 * Which release a managed fleet's `up` plans with, and the record of the releases it rolled. The release is an
 * image by digest: a command's own choice (`rollback`), else `app.image` when it is pinned by digest, else the last
 * build's release file (`build <env>`). Every rollout that passed its check is a line of
 * `.run/<env>/managed-releases.jsonl` (time, who, commit, image), which `rollback` reads.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../config';
import { IMAGE_BY_DIGEST, RELEASE_VARIABLE } from '../../stacks/managed-outputs';
import { envDir } from '../paths';
import { readState } from '../state';
import { INVOCATION, UsageError } from '../usage';

export interface ManagedRelease {
  readonly time: string;
  readonly who: string;
  readonly commit: string;
  readonly image: string;
}

/** Where the rolled releases of an environment are recorded. */
export function releaseLogFile(runBase: string, environment: string): string {
  return join(envDir(runBase, environment), 'managed-releases.jsonl');
}

/** The recorded releases, oldest first; lines that are not records are skipped. */
export function readReleaseLog(runBase: string, environment: string): ManagedRelease[] {
  let text: string;
  try {
    text = readFileSync(releaseLogFile(runBase, environment), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    try {
      const r = JSON.parse(line) as Partial<ManagedRelease>;
      return typeof r.image === 'string' && IMAGE_BY_DIGEST.test(r.image)
        ? [{ time: String(r.time), who: String(r.who), commit: String(r.commit), image: r.image }]
        : [];
    } catch {
      return [];
    }
  });
}

export function recordRelease(runBase: string, environment: string, release: ManagedRelease): void {
  mkdirSync(envDir(runBase, environment), { recursive: true });
  appendFileSync(releaseLogFile(runBase, environment), `${JSON.stringify(release)}\n`);
}

/** The image of a build's release file (`{ image: <repo>@sha256:… }`), or undefined. */
function builtImage(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    const image = (JSON.parse(readFileSync(file, 'utf8')) as { image?: unknown }).image;
    return typeof image === 'string' && IMAGE_BY_DIGEST.test(image) ? image : undefined;
  } catch {
    return undefined;
  }
}

/** What `up` of a managed fleet rolls: the chosen image, the pinned app.image, or the last build's. */
export function managedRelease(
  env: EnvironmentConfig,
  runBase: string,
  chosen: string | undefined,
): string {
  if (chosen !== undefined) return chosen;
  if (env.app.build === undefined && IMAGE_BY_DIGEST.test(env.app.image)) return env.app.image;
  const built = builtImage(readState(runBase, env.name).lastRelease?.file);
  if (built !== undefined) return built;
  throw new UsageError(
    env.app.build === undefined
      ? `${env.name} is a managed fleet: its release must be an image by digest, and app.image is ${JSON.stringify(env.app.image)}: pin it as <repository>@sha256:<digest>`
      : `${env.name} is a managed fleet: no build of its release yet: run "${INVOCATION} build ${env.name} --local" first`,
  );
}

/** `-var release_image=<image>`: how Terraform gets the release of a managed stack at plan time. */
export function releaseVarArgs(image: string): string[] {
  return ['-var', `${RELEASE_VARIABLE}=${image}`];
}

/**
 * The release `rollback` goes back to: the named one (a commit, digest or image of a recorded release), or the
 * last recorded release before the current one.
 */
export function rollbackTarget(
  log: readonly ManagedRelease[],
  version: string | undefined,
): ManagedRelease | string {
  const current = log.at(-1);
  if (current === undefined)
    return 'no release of this environment is recorded on this machine (.run/<env>/managed-releases.jsonl)';
  if (version !== undefined) {
    const found = [...log]
      .reverse()
      .find(
        (r) => r.commit.startsWith(version) || r.image === version || r.image.endsWith(version),
      );
    return found ?? `no recorded release matches ${JSON.stringify(version)}`;
  }
  const before = [...log].reverse().find((r) => r.image !== current.image);
  return before ?? `every recorded release is ${current.image}: there is none before it`;
}
