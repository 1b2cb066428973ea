/**
 * app.build's context and Dockerfile on disk. `docker build` sends the whole context folder to an engine (the first
 * host's, over SSH): a context that is, or passes through, a symbolic link out of the repository would send whatever
 * it points to (`ln -s / escape`). Both are resolved through every link and must stay inside the repository; the
 * context must be a folder, the Dockerfile a regular file. Checked at synth, before anything is applied.
 */
import { realpathSync, statSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { fail, Field } from './error';
import type { AppBuildConfig } from './registry';
import { show } from './redact';

/** The path a relative path names once every symbolic link on the way is followed; undefined if it does not exist. */
function resolved(root: string, path: string): string | undefined {
  try {
    return realpathSync(join(root, path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function inside(repository: string, path: string): boolean {
  const rel = relative(repository, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The file or folder `path` (relative to the repository root) names, checked to stay inside the repository. */
function checkInside(field: Field, root: string, path: string, what: string): string {
  const real = resolved(root, path);
  if (real === undefined)
    fail(field, `must name ${what} in the repository (got ${show(path)}, which does not exist)`);
  const repository = realpathSync(root);
  if (!inside(repository, real)) {
    fail(
      field,
      `must stay inside the repository (got ${show(path)}, which a symbolic link takes to ${show(real)}: ` +
        'docker build would send it to the engine)',
    );
  }
  return real;
}

/** Refuses a context or Dockerfile outside the repository `root`, missing, or of the wrong kind. */
export function checkBuildFiles(env: string, build: AppBuildConfig, root: string): void {
  const contextField = { env, name: 'app.build.context' };
  const context = checkInside(contextField, root, build.context, 'a folder');
  if (!statSync(context).isDirectory())
    fail(contextField, `must name a folder (got ${show(build.context)})`);
  const dockerfileField = { env, name: 'app.build.dockerfile' };
  const path = join(build.context, build.dockerfile);
  const dockerfile = checkInside(
    dockerfileField,
    root,
    path,
    `a file of the context ${show(build.context)}`,
  );
  if (!statSync(dockerfile).isFile())
    fail(
      dockerfileField,
      `must name a regular file (got ${show(build.dockerfile)} in ${show(build.context)})`,
    );
}
