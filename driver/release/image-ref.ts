/**
 * Image references of a release, as pure functions: the repository path, the commit tag, the
 * digest reference hosts deploy (`repo@sha256:…`), and the digest read back from Docker's output.
 * The driver's `build` step wires these to real commands (driver/release/commands.ts).
 */

/** A release cannot be made from this input; the message is one line naming what and why. */
export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseError';
  }
}

/** Suffix of a tag built from a working tree with uncommitted changes. */
export const DIRTY_SUFFIX = '-dirty';

const COMMIT = /^[0-9a-f]{7,40}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
// <host>[:port]/<path>: the registry host is required (a release never goes to Docker Hub by accident).
const REPOSITORY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;

function checkRepository(repository: string): string {
  if (!REPOSITORY.test(repository) || !repository.split('/')[0].includes('.')) {
    throw new ReleaseError(
      `image repository must be <registry host>/<path> such as "europe-west1-docker.pkg.dev/p/r/app" (got "${repository}")`,
    );
  }
  return repository;
}

/** `<registry url>/<image name>`, e.g. `europe-west1-docker.pkg.dev/acme/docker-hosts/reddit`. */
export function imageRepository(registryUrl: string, name: string): string {
  return checkRepository(`${registryUrl}/${name}`);
}

/** The working tree as `git rev-parse HEAD` and `git status --porcelain` describe it. */
export interface GitState {
  readonly commit: string;
  /** The output of `git status --porcelain`: empty when the tree is clean. */
  readonly porcelain: string;
}

/**
 * The release tag: the git commit, with `-dirty` when the tree has uncommitted changes. A dirty
 * tree is refused unless `allowDirty`, so that a tag always names reproducible bits.
 */
export function releaseTag(git: GitState, allowDirty = false): string {
  const commit = git.commit.trim();
  if (!COMMIT.test(commit)) {
    throw new ReleaseError(`git commit must be 7-40 lowercase hex digits (got "${commit}")`);
  }
  const changed = git.porcelain.split('\n').filter((line) => line.trim() !== '');
  if (changed.length === 0) return commit;
  if (!allowDirty) {
    throw new ReleaseError(
      `the working tree has ${changed.length} uncommitted change(s) (first: "${changed[0].trim()}"): ` +
        `commit them, or pass --allow-dirty to push a "${commit}${DIRTY_SUFFIX}" image`,
    );
  }
  return `${commit}${DIRTY_SUFFIX}`;
}

/** `<repository>:<tag>` */
export function taggedReference(repository: string, tag: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    throw new ReleaseError(
      `image tag must be 1-128 letters, digits, "_", "." or "-" (got "${tag}")`,
    );
  }
  return `${checkRepository(repository)}:${tag}`;
}

/** `<repository>@sha256:<digest>`: what hosts deploy, so every host runs the same bits. */
export function digestReference(repository: string, digest: string): string {
  if (!DIGEST.test(digest))
    throw new ReleaseError(`image digest must be sha256:<64 hex digits> (got "${digest}")`);
  return `${checkRepository(repository)}@${digest}`;
}

/** Splits `repo@sha256:…` (as deployed) into its parts; refuses anything that is not pinned by digest. */
export function parseDigestReference(reference: string): { repository: string; digest: string } {
  const at = reference.lastIndexOf('@');
  if (at < 0)
    throw new ReleaseError(
      `image reference must be <repository>@sha256:<digest> (got "${reference}")`,
    );
  const [repository, digest] = [reference.slice(0, at), reference.slice(at + 1)];
  digestReference(repository, digest);
  return { repository, digest };
}

const PUSH_DIGEST = /^\S+: digest: (sha256:[0-9a-f]{64}) size: \d+\s*$/gm;

/** The digest `docker push` reports on its last line: `<tag>: digest: sha256:… size: 1234`. */
export function digestFromPush(output: string): string {
  const found = [...output.matchAll(PUSH_DIGEST)].map((m) => m[1]);
  if (found.length === 0) throw new ReleaseError('docker push printed no "digest: sha256:…" line');
  return found[found.length - 1];
}

/** The digest `docker buildx imagetools inspect <ref>` prints on its `Digest:` line (the index or manifest). */
export function digestFromImagetools(output: string): string {
  const m = /^Digest:\s+(sha256:[0-9a-f]{64})\s*$/m.exec(output);
  if (!m)
    throw new ReleaseError('docker buildx imagetools inspect printed no "Digest: sha256:…" line');
  return m[1];
}

/**
 * The digest of `repository` among an image's RepoDigests, from `docker inspect --format` with
 * `{{json .RepoDigests}}` (a JSON list) or `{{index .RepoDigests 0}}` (one `repo@sha256:…` line).
 * An image tagged for several registries has several: only the one for `repository` counts.
 */
export function digestFromRepoDigests(output: string, repository: string): string {
  const text = output.trim();
  const entries: unknown = text.startsWith('[') ? JSON.parse(text) : text.split('\n');
  const list = Array.isArray(entries)
    ? entries.filter((e): e is string => typeof e === 'string')
    : [];
  for (const entry of list) {
    const at = entry.trim().lastIndexOf('@');
    if (at > 0 && entry.trim().slice(0, at) === repository)
      return parseDigestReference(entry.trim()).digest;
  }
  throw new ReleaseError(
    `the image has no digest for "${repository}" (RepoDigests: ${text || 'none'}): was it pushed?`,
  );
}
