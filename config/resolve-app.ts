/** The app section: the container deployed on every host. */
import { DEFAULTS } from './defaults';
import { AppSpec } from './environment-config';
import type { AppBuildConfig, AppBuildSpec } from './registry';
import { checkInt, checkPattern, fail } from './error';
import { PATTERNS } from './patterns';
import { looksLikeKeyMaterial, show } from './redact';
import { checkBuildFiles } from './resolve-build-files';
import { resolveContainerData } from './resolve-container-data';

/** Build-arg names that say a secret: build args stay in the image's history, readable by anyone who pulls it. */
const SECRET_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|AUTH/i;
const USE_SECRETS =
  'build args stay in the image history: give what the build needs as a BuildKit secret ' +
  '(RUN --mount=type=secret) instead; the value is not shown';

/** A build arg that looks like a secret, by its name or its value, is refused without showing the value. */
function checkBuildArg(env: string, key: string, value: unknown): void {
  const field = { env, name: `app.build.buildArgs.${key}` };
  if (SECRET_NAME.test(key)) fail(field, `has a name that says it is a secret: ${USE_SECRETS}`);
  if (typeof value === 'string' && looksLikeKeyMaterial(value))
    fail(field, `looks like key material: ${USE_SECRETS}`);
}

/** Docker limits a repository name (registry and path, without tag or digest) to 255 characters. */
const MAX_IMAGE_NAME = 255;

function imageName(reference: string): string {
  const withoutDigest = reference.split('@')[0];
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** `app.build` (its shape was checked by schema.ts); undefined when the environment deploys a prebuilt image. */
function resolveAppBuild(env: string, build: AppBuildSpec | undefined): AppBuildConfig | undefined {
  if (build === undefined) return undefined;
  const d = DEFAULTS.app.build;
  const field = (name: string) => ({ env, name: `app.build.${name}` });
  const buildArgs = build.buildArgs ?? d.buildArgs;
  for (const [key, value] of Object.entries(buildArgs)) {
    checkPattern(field('buildArgs'), key, PATTERNS.buildArg);
    checkBuildArg(env, key, value);
  }
  return {
    context: checkPattern(field('context'), build.context, PATTERNS.relativePath),
    dockerfile: checkPattern(
      field('dockerfile'),
      build.dockerfile ?? d.dockerfile,
      PATTERNS.relativePath,
    ),
    name: checkPattern(field('name'), build.name ?? d.name, PATTERNS.buildImageName),
    buildArgs: { ...buildArgs },
  };
}

/** An image reference (Docker's grammar and its name limit); `name` is the field, `app.image` by default. */
export function resolveImage(env: string, image: string, name = 'app.image'): string {
  checkPattern({ env, name }, image, PATTERNS.image);
  if (imageName(image).length > MAX_IMAGE_NAME) {
    fail(
      { env, name },
      `must have a repository name of at most ${MAX_IMAGE_NAME} characters (got ${show(image)})`,
    );
  }
  return image;
}

/**
 * The app section. With `app.build`, `image` stays empty here: resolve.ts sets it to the registry path the build
 * pushes to (withRegistryImages) once the project's registry is known. Given the repository `root`, the build's
 * context and Dockerfile are checked on disk too (resolve-build-files.ts).
 */
export function resolveApp(env: string, spec: AppSpec | undefined, root?: string) {
  const app = spec ?? {};
  const build = resolveAppBuild(env, app.build);
  if (build !== undefined && root !== undefined) checkBuildFiles(env, build, root);
  if (build !== undefined && app.image !== undefined) {
    fail(
      { env, name: 'app.image' },
      `must not be given with app.build: the build makes the image (got ${show(app.image)})`,
    );
  }
  return {
    image: build === undefined ? resolveImage(env, app.image ?? DEFAULTS.app.image) : '',
    ...(build === undefined ? {} : { build }),
    port: checkInt({ env, name: 'app.port' }, app.port ?? DEFAULTS.app.port, 1024, 65535),
    containerName: checkPattern(
      { env, name: 'app.containerName' },
      app.containerName ?? DEFAULTS.app.containerName,
      PATTERNS.containerName,
    ),
    healthCheckPath: checkPattern(
      { env, name: 'app.healthCheckPath' },
      app.healthCheckPath ?? DEFAULTS.app.healthCheckPath,
      PATTERNS.urlPath,
    ),
    ...resolveContainerData(env, 'app', app),
  };
}
