import {
  digestFromImagetools,
  digestFromPush,
  digestFromRepoDigests,
  digestReference,
  imageRepository,
  parseDigestReference,
  releaseTag,
  taggedReference,
} from '../../../driver/release/image-ref';

const REGISTRY = 'europe-west1-docker.pkg.dev/acme-docker-hosts/docker-hosts';
const REPO = `${REGISTRY}/reddit`;
const COMMIT = '3f9c2a1b7d4e5f60718293a4b5c6d7e8f9012345';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER = `sha256:${'cd'.repeat(32)}`;

describe('references', () => {
  test('repository, commit tag and digest reference', () => {
    expect(imageRepository(REGISTRY, 'reddit')).toBe(REPO);
    expect(taggedReference(REPO, releaseTag({ commit: `${COMMIT}\n`, porcelain: '' }))).toBe(
      `${REPO}:${COMMIT}`,
    );
    expect(digestReference(REPO, DIGEST)).toBe(`${REPO}@${DIGEST}`);
    expect(parseDigestReference(`${REPO}@${DIGEST}`)).toEqual({ repository: REPO, digest: DIGEST });
  });

  test('a repository without a registry host is refused (never Docker Hub by accident)', () => {
    expect(() => imageRepository('docker-hosts', 'reddit')).toThrow(
      'image repository must be <registry host>/<path> such as "europe-west1-docker.pkg.dev/p/r/app" (got "docker-hosts/reddit")',
    );
    expect(() => imageRepository(REGISTRY, 'Reddit')).toThrow('(got ');
  });

  test.each([
    ['a tag', `${REPO}:${COMMIT}`, 'must be <repository>@sha256:<digest>'],
    [
      'a short digest',
      `${REPO}@sha256:abc`,
      'image digest must be sha256:<64 hex digits> (got "sha256:abc")',
    ],
    ['another algorithm', `${REPO}@sha512:${'a'.repeat(64)}`, 'image digest must be sha256'],
  ])('parseDigestReference refuses %s', (_label, ref, message) => {
    expect(() => parseDigestReference(ref)).toThrow(message);
  });

  test('a tag with characters Docker refuses', () => {
    expect(() => taggedReference(REPO, 'v1/2')).toThrow('image tag must be 1-128 letters, digits');
  });
});

describe('releaseTag', () => {
  const dirty = { commit: COMMIT, porcelain: ' M app/Dockerfile\n?? notes.txt\n' };

  test('a dirty tree is refused, naming the first change and the way out', () => {
    expect(() => releaseTag(dirty)).toThrow(
      `the working tree has 2 uncommitted change(s) (first: "M app/Dockerfile"): commit them, or pass --allow-dirty to push a "${COMMIT}-dirty" image`,
    );
  });

  test('allowDirty tags it -dirty', () => {
    expect(releaseTag(dirty, true)).toBe(`${COMMIT}-dirty`);
    expect(releaseTag({ commit: COMMIT, porcelain: '\n' }, true)).toBe(COMMIT);
  });

  test('something that is not a commit', () => {
    expect(() => releaseTag({ commit: 'HEAD', porcelain: '' })).toThrow(
      'git commit must be 7-40 lowercase hex digits (got "HEAD")',
    );
  });
});

describe('digest from Docker output', () => {
  test('docker push: the last digest line', () => {
    const out = [
      `The push refers to repository [${REPO}]`,
      '5f70bf18a086: Pushed',
      `${COMMIT}: digest: ${DIGEST} size: 1570`,
      '',
    ].join('\n');
    expect(digestFromPush(out)).toBe(DIGEST);
    expect(() => digestFromPush('5f70bf18a086: Pushed\n')).toThrow(
      'docker push printed no "digest: sha256:…" line',
    );
  });

  test('docker buildx imagetools inspect: the Digest line', () => {
    const out = `Name:      ${REPO}:${COMMIT}\nMediaType: application/vnd.oci.image.index.v1+json\nDigest:    ${DIGEST}\n\nManifests:\n  Name: ${REPO}@${OTHER}\n`;
    expect(digestFromImagetools(out)).toBe(DIGEST);
    expect(() => digestFromImagetools('Name: x\n')).toThrow('printed no "Digest: sha256:…" line');
  });

  test('docker inspect RepoDigests: the entry of this repository, as JSON or one line', () => {
    const json = JSON.stringify([`registry.example.org/reddit@${OTHER}`, `${REPO}@${DIGEST}`]);
    expect(digestFromRepoDigests(`${json}\n`, REPO)).toBe(DIGEST);
    expect(digestFromRepoDigests(`${REPO}@${DIGEST}\n`, REPO)).toBe(DIGEST);
  });

  test('docker inspect RepoDigests without this repository: never pushed', () => {
    expect(() => digestFromRepoDigests('[]', REPO)).toThrow(
      `the image has no digest for "${REPO}" (RepoDigests: [])`,
    );
    expect(() => digestFromRepoDigests(`registry.example.org/reddit@${OTHER}`, REPO)).toThrow(
      'was it pushed?',
    );
  });
});
