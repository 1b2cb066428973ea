/** The app section: the container deployed on every host. */
import { DEFAULTS } from './defaults';
import { AppSpec } from './environment-config';
import { checkInt, checkPattern, fail } from './error';
import { PATTERNS } from './patterns';
import { show } from './redact';

/** Docker limits a repository name (registry and path, without tag or digest) to 255 characters. */
const MAX_IMAGE_NAME = 255;

function imageName(reference: string): string {
  const withoutDigest = reference.split('@')[0];
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

export function resolveApp(env: string, spec: AppSpec | undefined) {
  const app = spec ?? {};
  const image = checkPattern({ env, name: 'app.image' }, app.image ?? DEFAULTS.app.image, PATTERNS.image);
  if (imageName(image).length > MAX_IMAGE_NAME) {
    fail(
      { env, name: 'app.image' },
      `must have a repository name of at most ${MAX_IMAGE_NAME} characters (got ${show(image)})`,
    );
  }
  return {
    image,
    port: checkInt({ env, name: 'app.port' }, app.port ?? DEFAULTS.app.port, 1024, 65535),
    containerName: checkPattern(
      { env, name: 'app.containerName' },
      app.containerName ?? DEFAULTS.app.containerName,
      PATTERNS.containerName,
    ),
  };
}
