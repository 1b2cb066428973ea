/**
 * Which release a managed fleet's `up` plans with: an image by digest, a command's own choice (`rollback`), else
 * `app.image` when it is pinned by digest, else the last build's release file (`build <env>`). The releases it
 * rolled are recorded in the shared history (history.ts, shared-history.ts).
 */
import { readFileSync } from 'node:fs';
import type { EnvironmentConfig } from '../../config';
import { IMAGE_BY_DIGEST, RELEASE_VARIABLE } from '../../stacks/managed-outputs';
import { readState } from '../state';
import { INVOCATION, UsageError } from '../usage';

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
