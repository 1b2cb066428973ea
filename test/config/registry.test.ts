import { environmentRegistry, registryRepositories } from '../../config';
import { AppBuildSpec } from '../../config/registry';
import { resolveEnvs, TEST_PROJECT, validEnv } from '../helpers';

describe('registry settings', () => {
  test('defaults: repository docker-hosts in the first environment region, keep 10, untagged 7 d, tagged 30 d', () => {
    const config = resolveEnvs([validEnv()]);
    expect(config.registry).toEqual({
      repository: 'docker-hosts',
      keepVersions: 10,
      deleteUntaggedAfterDays: 7,
      deleteTaggedAfterDays: 30,
    });
    expect(environmentRegistry(config, 'stage')).toEqual({
      project: TEST_PROJECT,
      location: 'europe-west1',
      repository: 'docker-hosts',
      url: `europe-west1-docker.pkg.dev/${TEST_PROJECT}/docker-hosts`,
    });
  });

  test('one repository per project; an explicit location wins', () => {
    const envs = [
      validEnv({ region: 'us-east1', zone: 'us-east1-b' }),
      validEnv({ name: 'prod', region: 'europe-west4', zone: 'europe-west4-a' }),
      validEnv({ name: 'other', projectId: 'acme-other-hosts' }),
    ];
    expect(registryRepositories(resolveEnvs(envs)).map((r) => r.url)).toEqual([
      `us-east1-docker.pkg.dev/${TEST_PROJECT}/docker-hosts`,
      'europe-west1-docker.pkg.dev/acme-other-hosts/docker-hosts',
    ]);
    const pinned = resolveEnvs(envs, {
      registry: { location: 'europe-west4', repository: 'apps' },
    });
    expect(environmentRegistry(pinned, 'stage').url).toBe(
      `europe-west4-docker.pkg.dev/${TEST_PROJECT}/apps`,
    );
  });

  test.each<[string, object, string]>([
    [
      'unknown field',
      { keepVersion: 3 },
      'config error: field "registry.keepVersion" is not a known field; did you mean "registry.keepVersions"?',
    ],
    [
      'keep 0',
      { keepVersions: 0 },
      'field "registry.keepVersions" must be an integer from 1 to 1000 (got 0)',
    ],
    [
      'bad repository id',
      { repository: 'My_Repo' },
      'field "registry.repository" must be lowercase letters',
    ],
    [
      'bad location',
      { location: 'EU' },
      'field "registry.location" must be a GCP region such as "europe-west1"',
    ],
    [
      'untagged days',
      { deleteUntaggedAfterDays: 1.5 },
      'field "registry.deleteUntaggedAfterDays" must be an integer from 1 to 365 (got 1.5)',
    ],
  ])('refused: %s', (_label, registry, message) => {
    expect(() => resolveEnvs([validEnv()], { registry })).toThrow(message);
  });

  test('an environment may not be called "registry"', () => {
    expect(() => resolveEnvs([validEnv({ name: 'registry' })])).toThrow(
      'environment "registry": field "name" must not be "registry", the name of the registry stack (got "registry")',
    );
  });
});

describe('app.build', () => {
  const build = (b: unknown) => validEnv({ app: { build: b as AppBuildSpec } });

  test('defaults: Dockerfile in the context, image "app", no build args; image is the registry path', () => {
    const [env] = resolveEnvs([build({ context: 'app' })]).environments;
    expect(env.app).toEqual({
      image: `europe-west1-docker.pkg.dev/${TEST_PROJECT}/docker-hosts/app`,
      build: { context: 'app', dockerfile: 'Dockerfile', name: 'app', buildArgs: {} },
      port: 9292,
      containerName: 'app',
      healthCheckPath: '/',
      env: {},
      secrets: [],
      volumes: [],
    });
    expect(Object.isFrozen(env.app.build)).toBe(true);
  });

  test('without build the prebuilt default image stays, with no build field', () => {
    const [env] = resolveEnvs([validEnv()]).environments;
    expect(env.app.image).toBe('vladimirdenisov69/otus-reddit:1.0');
    expect('build' in env.app).toBe(false);
  });

  test('all fields', () => {
    const [env] = resolveEnvs([
      build({
        context: 'app',
        dockerfile: 'docker/Dockerfile',
        name: 'reddit',
        buildArgs: { RUBY_VERSION: '3.3' },
      }),
    ]).environments;
    expect(env.app.image).toBe(`europe-west1-docker.pkg.dev/${TEST_PROJECT}/docker-hosts/reddit`);
    expect(env.app.build?.buildArgs).toEqual({ RUBY_VERSION: '3.3' });
  });

  test.each<[string, unknown, string]>([
    ['no context', {}, 'field "app.build.context" must be a relative path inside the repository'],
    ['context escapes the repository', { context: '../elsewhere' }, '(got "../elsewhere")'],
    [
      'absolute dockerfile',
      { context: 'app', dockerfile: '/etc/passwd' },
      'field "app.build.dockerfile"',
    ],
    [
      'unknown field',
      { context: 'app', target: 'x' },
      'field "app.build.target" is not a known field',
    ],
    [
      'a misspelt field',
      { context: 'app', dockerFile: 'Dockerfile.prod' },
      'environment "stage": field "app.build.dockerFile" is not a known field; did you mean "app.build.dockerfile"?',
    ],
    [
      'a ".." inside the context',
      { context: 'app/../..' },
      'field "app.build.context" must be a relative path',
    ],
    [
      'an empty path segment',
      { context: 'app//x' },
      'field "app.build.context" must be a relative path',
    ],
    [
      'bad image name',
      { context: 'app', name: 'Reddit' },
      'field "app.build.name" must be an image name',
    ],
    [
      'bad build arg name',
      { context: 'app', buildArgs: { 'A-B': 'x' } },
      'field "app.build.buildArgs" must be',
    ],
    [
      'build arg not a string',
      { context: 'app', buildArgs: { A: 1 } },
      'field "app.build.buildArgs" must be an object of string values, such as { RUBY_VERSION: "3.3" } (got {"A":1})',
    ],
    [
      'a secret-looking build arg name',
      { context: 'app', buildArgs: { NPM_TOKEN: 'npm_abc' } },
      'field "app.build.buildArgs.NPM_TOKEN" has a name that says it is a secret: build args stay in the image history: ' +
        'give what the build needs as a BuildKit secret (RUN --mount=type=secret) instead; the value is not shown',
    ],
    [
      'a password build arg',
      { context: 'app', buildArgs: { DB_PASSWORD: 'hunter2' } },
      'field "app.build.buildArgs.DB_PASSWORD" has a name that says it is a secret',
    ],
    [
      'key material as a build arg value',
      { context: 'app', buildArgs: { DEPLOY: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n' } },
      'field "app.build.buildArgs.DEPLOY" looks like key material: build args stay in the image history',
    ],
    [
      'not an object',
      'app',
      'field "app.build" must be an object with the fields context, dockerfile, name, buildArgs (got "app")',
    ],
  ])('refused: %s', (_label, spec, message) => {
    expect(() => resolveEnvs([build(spec)])).toThrow(message);
    expect(() => resolveEnvs([build(spec)])).not.toThrow(/hunter2|npm_abc|b3Blbn/);
  });

  test('app.image and app.build together are refused', () => {
    expect(() =>
      resolveEnvs([validEnv({ app: { image: 'nginx:1', build: { context: 'app' } } })]),
    ).toThrow(
      'config error: environment "stage": field "app.image" must not be given with app.build: the build makes the image (got "nginx:1")',
    );
  });
});

test('a built app in a second project pushes to that project', () => {
  const config = resolveEnvs([
    validEnv(),
    validEnv({
      name: 'prod',
      projectId: 'acme-prod-hosts',
      app: { build: { context: 'app', name: 'reddit' } },
    }),
  ]);
  expect(config.environments.map((e) => e.app.image)).toEqual([
    'vladimirdenisov69/otus-reddit:1.0',
    'europe-west1-docker.pkg.dev/acme-prod-hosts/docker-hosts/reddit',
  ]);
  expect(Object.isFrozen(config.environments[1].app)).toBe(true);
});
