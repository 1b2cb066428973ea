import {
  buildAndPushPlan,
  buildCommand,
  BuildInput,
  pushCommand,
  repoDigestsCommand,
  tagExistence,
  tagExistsCommand,
} from '../../../driver/release/commands';

const REF = 'europe-west1-docker.pkg.dev/acme/docker-hosts/reddit:3f9c2a1';
const remote = { kind: 'remote', dockerHost: 'ssh://deploy@203.0.113.10' } as const;
const input: BuildInput = {
  target: remote,
  reference: REF,
  context: 'app',
  dockerfile: 'Dockerfile',
  buildArgs: { RUBY_VERSION: '3.3', APP_REF: 'main' },
  revision: '3f9c2a1',
};

describe('build over SSH or locally', () => {
  test('remote: docker build with DOCKER_HOST=ssh://…, sorted build args, revision label, context last', () => {
    expect(buildCommand(input)).toEqual({
      command: 'docker',
      args: [
        'build',
        '--pull',
        '--file',
        'app/Dockerfile',
        '--tag',
        REF,
        '--label',
        'org.opencontainers.image.revision=3f9c2a1',
        '--build-arg',
        'APP_REF=main',
        '--build-arg',
        'RUBY_VERSION=3.3',
        'app',
      ],
      env: { DOCKER_HOST: 'ssh://deploy@203.0.113.10' },
    });
  });

  test('--local: the same command with nothing added to the environment', () => {
    const local = buildCommand({ ...input, target: { kind: 'local' } });
    expect(local.env).toEqual({});
    expect(local.args).toEqual(buildCommand(input).args);
  });

  test('an IAP alias as DOCKER_HOST is fine; anything but ssh:// is refused', () => {
    expect(
      pushCommand(REF, { kind: 'remote', dockerHost: 'ssh://stage-docker-host-001' }).env,
    ).toEqual({
      DOCKER_HOST: 'ssh://stage-docker-host-001',
    });
    expect(() =>
      pushCommand(REF, { kind: 'remote', dockerHost: 'tcp://203.0.113.10:2375' }),
    ).toThrow(
      'DOCKER_HOST for the build must be ssh://[user@]host[:port] such as "ssh://deploy@203.0.113.10" (got "tcp://203.0.113.10:2375")',
    );
  });
});

describe('registry questions', () => {
  test('tag exists: docker manifest inspect, from the operator CLI', () => {
    expect(tagExistsCommand(REF)).toEqual({
      command: 'docker',
      args: ['manifest', 'inspect', REF],
      env: {},
    });
    expect(tagExistence(0, '')).toBe('exists');
    expect(tagExistence(1, `no such manifest: ${REF}\n`)).toBe('missing');
    expect(tagExistence(1, 'manifest unknown: Failed to fetch "3f9c2a1"')).toBe('missing');
  });

  test('any other failure (auth, network) stops the build with its first line', () => {
    expect(() => tagExistence(1, '\nerror: denied: Unauthenticated request.\nmore')).toThrow(
      'could not ask the registry whether the tag exists: error: denied: Unauthenticated request.',
    );
    expect(() => tagExistence(125, '')).toThrow(
      'could not ask the registry whether the tag exists: exit code 125',
    );
  });

  test('push and digest run against the engine that built the image', () => {
    expect(pushCommand(REF, remote)).toEqual({
      command: 'docker',
      args: ['push', REF],
      env: { DOCKER_HOST: remote.dockerHost },
    });
    expect(repoDigestsCommand(REF, remote).args).toEqual([
      'image',
      'inspect',
      '--format',
      '{{json .RepoDigests}}',
      REF,
    ]);
  });

  test('the plan, in order', () => {
    expect(
      buildAndPushPlan(input).map((s) => `${s.step}: ${s.run.args.slice(0, 2).join(' ')}`),
    ).toEqual([
      'tag exists?: manifest inspect',
      'build: build --pull',
      'push: push ' + REF,
      'digest: image inspect',
    ]);
  });
});
