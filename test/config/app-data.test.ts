import { EnvironmentSpec } from '../../config';
import { entropy, secretReason } from '../../config/secret-values';
import { configErrorOf, resolveEnvs, validEnv } from '../helpers';

/** The one-line error a record with these fields gets. */
function errorOf(patch: Record<string, unknown>): string {
  return configErrorOf([{ ...validEnv({ hostCount: 3 }), ...patch }]);
}

function resolved(patch: Partial<EnvironmentSpec>) {
  return resolveEnvs([validEnv({ hostCount: 3, ...patch })]).environments[0];
}

const MONGO = { image: 'mongo:4.4', port: 27017, volumes: ['mongo:/data/db'] };

describe('app.env', () => {
  test('plain values are kept, in name order', () => {
    const env = resolved({
      app: { env: { RACK_ENV: 'production', DATABASE_URL: 'docker-host-001:27017' } },
    });
    expect(env.app.env).toEqual({ DATABASE_URL: 'docker-host-001:27017', RACK_ENV: 'production' });
    expect(Object.keys(env.app.env)).toEqual(['DATABASE_URL', 'RACK_ENV']);
  });

  test.each([['1ABC'], ['A-B'], ['A B'], ['']])(
    'a name outside POSIX grammar is refused: %j',
    (name) => {
      expect(errorOf({ app: { env: { [name]: 'x' } } })).toContain(
        `field "app.env" must be an environment variable name: letters, digits and "_", not starting with a digit (got ${JSON.stringify(name)})`,
      );
    },
  );

  const SECRETS: [string, string, string][] = [
    [
      'a PEM block',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----',
      'a PEM block',
    ],
    ['an AWS key id', 'AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['a GitHub token', 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB', 'a GitHub token'],
    ['a Slack token', 'xoxb-1234567890-abcdefghij', 'a Slack token'],
    ['a password assignment', 'user=admin;password=hunter2', 'assigns a password'],
    ['a URL with a password', 'mongodb://admin:hunter2@db:27017/app', 'a URL with a password'],
    ['a random token', 'k9Qz3xL2pV7rT1mN8bW4yH6s', 'a long random token'],
  ];
  test.each(SECRETS)('%s is refused with the reason, without the value', (_, value, reason) => {
    const message = errorOf({ app: { env: { SOME_SETTING: value } } });
    expect(message).toContain('field "app.env.SOME_SETTING" looks like a secret (');
    expect(message).toContain(reason);
    expect(message).toContain('name it in app.secrets');
    expect(message).not.toContain(value.slice(5, 15));
  });

  test.each([
    ['docker-host-001:27017'],
    ['production'],
    ['https://example.com/some/long/path/to/a/resource'],
    ['123e4567-e89b-12d3-a456-426614174000'],
    ['europe-west1-docker.pkg.dev/project/repo'],
  ])('an ordinary value is not taken for a secret: %j', (value) => {
    expect(secretReason(value)).toBeUndefined();
  });

  test('entropy: one symbol is 0 bits, two equally often 1 bit', () => {
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abab')).toBe(1);
  });
});

describe('app.secrets', () => {
  test('an id or { secret, version }; the version a string', () => {
    const env = resolved({
      app: {
        secrets: {
          SECRET_KEY_BASE: 'reddit-key',
          DB_PASSWORD: { secret: 'db-password', version: 3 },
        },
      },
    });
    expect(env.app.secrets).toEqual([
      { name: 'DB_PASSWORD', secret: 'db-password', version: '3' },
      { name: 'SECRET_KEY_BASE', secret: 'reddit-key', version: 'latest' },
    ]);
  });

  test.each<[unknown, string]>([
    [
      { A: 'bad/id' },
      'field "app.secrets.A" must be a Secret Manager secret id: 1-255 letters, digits, "_" and "-" (got "bad/id")',
    ],
    [
      { A: { secret: 'x', version: 0 } },
      'field "app.secrets.A.version" must be "latest" or a version number such as 3 (got 0)',
    ],
    [{ A: { version: 2 } }, 'field "app.secrets.A" must name its secret'],
    [
      { A: { secret: 'x', versoin: 2 } },
      'field "app.secrets.A.versoin" is not a known field; did you mean "app.secrets.A.version"?',
    ],
    [{ A: 3 }, 'field "app.secrets" must be an object of secret ids or { secret, version }'],
    [{ 'A-B': 'x' }, 'field "app.secrets" must be an environment variable name'],
  ])('%j is refused', (secrets, message) => {
    expect(errorOf({ app: { secrets } })).toContain(message);
  });

  test('a name in both env and secrets is refused', () => {
    expect(
      errorOf({ app: { env: { TOKEN_NAME: 'x' }, secrets: { TOKEN_NAME: 'tok' } } }),
    ).toContain(
      'field "app.secrets.TOKEN_NAME" is also in app.env: a variable is either plain or a secret, not both',
    );
  });
});

describe('app.volumes', () => {
  test('a name or a relative path, and a container path; ro when asked', () => {
    const env = resolved({
      app: { volumes: ['uploads:/app/uploads', 'shared/static:/srv/static:ro'] },
    });
    expect(env.app.volumes).toEqual([
      { source: 'uploads', target: '/app/uploads', readOnly: false },
      { source: 'shared/static', target: '/srv/static', readOnly: true },
    ]);
  });

  test.each([
    ['uploads'],
    ['/abs:/x'],
    ['../up:/x'],
    ['up:relative'],
    ['up:/'],
    ['up:/x:rx'],
    ['up:/a/../b'],
  ])('%j is refused', (volume) => {
    expect(errorOf({ app: { volumes: [volume] } })).toMatch(
      /^config error: environment "stage": field "app\.volumes" must /,
    );
  });

  test('a container path mounted twice is refused', () => {
    expect(errorOf({ app: { volumes: ['a:/x', 'b:/x'] } })).toContain(
      'must mount each container path once (got "/x" twice)',
    );
  });
});

describe('accessories', () => {
  test('defaults: none; an accessory on the first host by default', () => {
    expect(resolved({}).accessories).toEqual([]);
    const [mongo] = resolved({ accessories: { mongo: MONGO } }).accessories;
    expect(mongo).toEqual({
      name: 'mongo',
      image: 'mongo:4.4',
      port: 27017,
      env: {},
      secrets: [],
      volumes: [{ source: 'mongo', target: '/data/db', readOnly: false }],
      host: 'docker-host-001',
    });
  });

  test('an image by digest, no port, env and secrets', () => {
    const digest = `redis@sha256:${'a'.repeat(64)}`;
    const [redis] = resolved({
      accessories: {
        redis: {
          image: digest,
          host: 'docker-host-002',
          env: { X: 'y' },
          secrets: { P: 'redis-pw' },
        },
      },
    }).accessories;
    expect(redis).toEqual({
      name: 'redis',
      image: digest,
      env: { X: 'y' },
      secrets: [{ name: 'P', secret: 'redis-pw', version: 'latest' }],
      volumes: [],
      host: 'docker-host-002',
    });
  });

  test.each<[unknown, string]>([
    [
      { mongo: { ...MONGO, host: 'docker-host-009' } },
      'field "accessories.mongo.host" must be one of this environment\'s hosts: docker-host-001, docker-host-002, docker-host-003 (got "docker-host-009")',
    ],
    [
      { mongo: { ...MONGO, image: 'Mongo:4.4' } },
      'field "accessories.mongo.image" must be a Docker image reference',
    ],
    [{ mongo: { port: 1 } }, 'field "accessories.mongo.image" must be given'],
    [
      { mongo: { ...MONGO, port: 9292 } },
      'field "accessories.mongo.port" must not be the app\'s port (9292)',
    ],
    [
      { mongo: { ...MONGO, port: 70000 } },
      'field "accessories.mongo.port" must be an integer from 1 to 65535 (got 70000)',
    ],
    [{ Mongo: MONGO }, 'field "accessories" must be lowercase letters'],
    [{ app: MONGO }, 'field "accessories.app" must not be named like the app\'s container'],
    [
      { 'app-next': MONGO },
      'field "accessories.app-next" must not be named like the app\'s container or its next release',
    ],
    [
      { mongo: { ...MONGO, imgae: 'x' } },
      'field "accessories.mongo.imgae" is not a known field; did you mean "accessories.mongo.image"?',
    ],
    [
      { mongo: { ...MONGO, env: { PASSWORD: 'password=hunter2' } } },
      'field "accessories.mongo.env.PASSWORD" looks like a secret',
    ],
    [
      { a: MONGO, b: MONGO },
      'field "accessories.b.port" is already published on docker-host-001 by accessory "a" (got 27017)',
    ],
    [['mongo'], 'field "accessories" must be an object of accessories by name'],
  ])('%j is refused', (accessories, message) => {
    expect(errorOf({ accessories })).toContain(message);
  });
});

describe('dataDisk', () => {
  test("defaults: every host, the family's first type, daily snapshots kept 14 days", () => {
    expect(resolved({}).dataDisk).toBeUndefined();
    expect(resolved({ dataDisk: { sizeGb: 10 } }).dataDisk).toEqual({
      sizeGb: 10,
      type: 'pd-balanced',
      hosts: ['docker-host-001', 'docker-host-002', 'docker-host-003'],
      snapshots: {
        schedule: 'daily at 03:00',
        parsed: { kind: 'daily', startTime: '03:00' },
        retentionDays: 14,
      },
    });
  });

  test('named hosts and an hourly schedule', () => {
    const disk = resolved({
      dataDisk: {
        sizeGb: 50,
        type: 'pd-ssd',
        hosts: ['docker-host-002'],
        snapshots: { schedule: 'every 6 hours', retentionDays: 3 },
      },
    }).dataDisk;
    expect(disk?.hosts).toEqual(['docker-host-002']);
    expect(disk?.snapshots.parsed).toEqual({ kind: 'hourly', hours: 6, startTime: '00:00' });
  });

  test.each<[unknown, string]>([
    [{ sizeGb: 5 }, 'field "dataDisk.sizeGb" must be an integer from 10 to 65536 (got 5)'],
    [{}, 'field "dataDisk.sizeGb" must be an integer from 10 to 65536 (got undefined)'],
    [
      { sizeGb: 10, type: 'hyperdisk-balanced' },
      'field "dataDisk.type" must be a disk type the e2 family attaches: pd-balanced, pd-standard, pd-ssd',
    ],
    [
      { sizeGb: 10, hosts: ['docker-host-004'] },
      'field "dataDisk.hosts" must name hosts of this environment',
    ],
    [{ sizeGb: 10, hosts: [] }, 'field "dataDisk.hosts" must name at least one host'],
    [
      { sizeGb: 10, snapshots: { schedule: 'daily at 03:30' } },
      'field "dataDisk.snapshots.schedule" must be "daily at HH:00" (UTC, on the hour) or "every N hours" with N one of 1, 2, 3, 4, 6, 8, 12 (got "daily at 03:30")',
    ],
    [
      { sizeGb: 10, snapshots: { schedule: 'every 5 hours' } },
      'field "dataDisk.snapshots.schedule" must be "daily at HH:00"',
    ],
    [
      { sizeGb: 10, snapshots: { retentionDays: 0 } },
      'field "dataDisk.snapshots.retentionDays" must be an integer from 1 to 3650 (got 0)',
    ],
    [
      { sizeGb: 10, snapshot: {} },
      'field "dataDisk.snapshot" is not a known field; did you mean "dataDisk.snapshots"?',
    ],
  ])('%j is refused', (dataDisk, message) => {
    expect(errorOf({ dataDisk })).toContain(message);
  });
});
