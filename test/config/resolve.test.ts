import {
  appContext,
  ConfigError,
  EnvironmentSpec,
  IAP_SSH_RANGE,
  parseCidr,
  PLACEHOLDER_PROJECT_ID,
  resolveProject,
} from '../../config';
import { resolveEnvs, TEST_KEY, TEST_PROJECT, testContext, validEnv } from '../helpers';

describe('defaults', () => {
  test('a minimal record gets every documented default', () => {
    const [env] = resolveEnvs([validEnv()]).environments;
    expect(env).toMatchObject({
      hostCount: 1,
      hostNames: ['docker-host-001'],
      machineType: 'e2-small',
      diskSizeGb: 20,
      imageFamily: 'docker-host-base',
      sourceImageFamily: 'debian-13',
      sourceImageProject: 'debian-cloud',
      network: 'default',
      appSourceRanges: ['0.0.0.0/0'],
      sshSourceRanges: [IAP_SSH_RANGE],
      ssh: {
        user: 'deploy',
        osLogin: false,
        publicKeys: [TEST_KEY],
        privateKeyFile: '/home/ops/.ssh/docker-hosts',
        connectVia: 'iap',
      },
      app: { image: 'vladimirdenisov69/otus-reddit:1.0', port: 9292, containerName: 'app' },
      state: { bucket: `${TEST_PROJECT}-tfstate`, prefix: 'docker-hosts/stage' },
    });
  });

  test('host names are zero-padded and ordered', () => {
    const [env] = resolveEnvs([validEnv({ hostCount: 12 })]).environments;
    expect(env.hostNames[0]).toBe('docker-host-001');
    expect(env.hostNames[11]).toBe('docker-host-012');
    expect(env.hostNames).toHaveLength(12);
  });

  test('the resolved config is frozen', () => {
    const [env] = resolveEnvs([validEnv()]).environments;
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.sshSourceRanges)).toBe(true);
  });

  test("the default disk type is the machine family's: pd-balanced, Hyperdisk for Hyperdisk-only families", () => {
    const [e2, n4] = resolveEnvs([
      validEnv(),
      validEnv({ name: 'fast', zone: 'europe-west1-c', machineType: 'n4-standard-2' }),
    ]).environments;
    expect([e2.diskType, n4.diskType]).toEqual(['pd-balanced', 'hyperdisk-balanced']);
  });
});

describe('project id', () => {
  test('with none in the config, a clearly fake placeholder is used and said once', () => {
    const ctx = testContext();
    const config = resolveProject(
      {
        environments: [
          validEnv({ projectId: undefined }),
          validEnv({ name: 'prod', projectId: undefined, zone: 'europe-west1-d' }),
        ],
      },
      ctx,
    );
    expect(config.environments.map((e) => e.projectId)).toEqual([
      PLACEHOLDER_PROJECT_ID,
      PLACEHOLDER_PROJECT_ID,
    ]);
    expect(config.environments.every((e) => e.projectIdIsPlaceholder)).toBe(true);
    const placeholderWarnings = ctx.warnings.filter((w) => w.includes(PLACEHOLDER_PROJECT_ID));
    expect(placeholderWarnings).toHaveLength(1);
    expect(placeholderWarnings[0]).toContain('stage, prod');
  });
});

describe('enumerated values: a typo gets the closest allowed value', () => {
  test.each([
    [
      { exposure: 'public-ip' },
      /field "exposure" must be .*\(got "public-ip"; did you mean "public-ips"\?\)/,
    ],
    [
      { machineType: 'e2-smal' },
      /field "machineType" must be a machine type of the e2 family.*got "e2-smal"; did you mean "e2-small"\?/,
    ],
    [{ machineType: 'e2-stnadard-2' }, /did you mean "e2-standard-2"\?/],
    [
      { machineType: 'e3-small' },
      /must be of a supported machine family.*did you mean "e2-small"\?/,
    ],
  ])('%o', (override, message) => {
    expect(() => resolveEnvs([validEnv(override as Partial<EnvironmentSpec>)])).toThrow(message);
  });

  test('no guess when nothing is close', () => {
    expect(() => resolveEnvs([validEnv({ machineType: 'e2-enormous' })])).toThrow(
      /got "e2-enormous"; the known ones/,
    );
  });
});

describe("the synth app's warnings", () => {
  const streams = () => {
    const written = { stdout: '', stderr: '' };
    const sink = (k: keyof typeof written) => ({ write: (t: string) => (written[k] += t) });
    return { written, streams: { stdout: sink('stdout'), stderr: sink('stderr') } };
  };

  test("under cdktf (CDKTF_OUTDIR) a warning goes to stdout: cdktf logs the app's stderr as [ERROR]", () => {
    const { written, streams: s } = streams();
    const spec = { environments: [validEnv({ projectId: undefined })] };
    resolveProject(spec, { ...appContext({ CDKTF_OUTDIR: 'cdktf.out' }, s), home: '/home/ops' });
    expect(written.stderr).toBe('');
    expect(written.stdout).toMatch(/^warning: no GCP project set for stage .*\n$/);
  });

  test('run directly, a warning is on stderr', () => {
    const { written, streams: s } = streams();
    appContext({}, s).warn?.('x');
    expect(written).toEqual({ stdout: '', stderr: 'warning: x\n' });
  });
});

describe('who may log in is committed config', () => {
  test('metadata keys are the ones listed, trimmed', () => {
    const [env] = resolveEnvs([validEnv({ ssh: { publicKeys: [`${TEST_KEY}\n`] } })]).environments;
    expect(env.ssh.publicKeys).toEqual([TEST_KEY]);
    expect(env.ssh.privateKeyFile).toBe('/home/ops/.ssh/docker-hosts');
    expect(env.ssh.publicKeyFile).toBe('/home/ops/.ssh/docker-hosts.pub');
  });

  test('no keys and no OS Login: synth fails and says both ways to fix it', () => {
    expect(() =>
      resolveProject({
        environments: [{ name: 'stage', region: 'europe-west1', zone: 'europe-west1-b' }],
      }),
    ).toThrow(
      'config error: environment "stage": field "ssh" gives no way to log in: set ssh.osLogin: true and grant ' +
        "roles/compute.osAdminLogin (preferred), or list the team's OpenSSH public keys in ssh.publicKeys (got neither)",
    );
  });

  test('OS Login needs no key, and takes none', () => {
    const [env] = resolveEnvs([
      validEnv({ ssh: { osLogin: true, user: 'ops_example_com', publicKeys: [] } }),
    ]).environments;
    expect(env.ssh).toMatchObject({ osLogin: true, publicKeys: [] });
    expect(() =>
      resolveEnvs([validEnv({ ssh: { osLogin: true, user: 'ops_example_com' } })]),
    ).toThrow('field "ssh.publicKeys" must be empty when ssh.osLogin is true');
  });

  test('hosts reachable only through IAP are reached through IAP, others directly', () => {
    const [iap, office, forced] = resolveEnvs([
      validEnv(),
      validEnv({
        name: 'office',
        zone: 'europe-west1-c',
        sshSourceRanges: ['35.235.240.0/20', '203.0.113.0/24'],
      }),
      validEnv({
        name: 'forced',
        zone: 'europe-west1-d',
        ssh: { connectVia: 'iap' },
        sshSourceRanges: ['35.235.240.0/20', '203.0.113.0/24'],
      }),
    ]).environments;
    expect([iap.ssh.connectVia, office.ssh.connectVia, forced.ssh.connectVia]).toEqual([
      'iap',
      'direct',
      'iap',
    ]);
    expect(() => resolveEnvs([validEnv({ ssh: { connectVia: 'vpn' as 'iap' } })])).toThrow(
      'config error: environment "stage": field "ssh.connectVia" must be "direct" or "iap" (got "vpn")',
    );
  });
});

describe('bad input names the environment, the field, what was given and what is allowed', () => {
  const cases: [string, Parameters<typeof validEnv>[0], string][] = [
    ['count < 1', { hostCount: 0 }, 'field "hostCount" must be an integer from 1 to 50 (got 0)'],
    [
      'absurd count',
      { hostCount: 5000 },
      'field "hostCount" must be an integer from 1 to 50 (got 5000)',
    ],
    [
      'fractional count',
      { hostCount: 1.5 },
      'field "hostCount" must be an integer from 1 to 50 (got 1.5)',
    ],
    [
      'malformed CIDR',
      { sshSourceRanges: ['10.0.0.0/33'] },
      'field "sshSourceRanges" must contain IPv4 CIDR ranges in canonical form such as "203.0.113.0/24": no leading zeros, no host bits set (got "10.0.0.0/33")',
    ],
    [
      'CIDR with host bits',
      { appSourceRanges: ['10.0.0.1/24'] },
      'field "appSourceRanges" must contain IPv4 CIDR ranges',
    ],
    ['not a CIDR', { appSourceRanges: ['office'] }, '(got "office")'],
    [
      'empty ranges',
      { appSourceRanges: [] },
      'field "appSourceRanges" must be a non-empty list of IPv4 CIDR ranges',
    ],
    [
      'SSH from anywhere',
      { sshSourceRanges: ['0.0.0.0/0'] },
      'field "sshSourceRanges" must not cover more than one /8 of addresses in total (that is the internet) unless allowSshFromAnywhere is true',
    ],
    [
      'SSH from anywhere, split in halves',
      { sshSourceRanges: ['0.0.0.0/1', '128.0.0.0/1'] },
      'field "sshSourceRanges" must not cover more than one /8',
    ],
    [
      'IAP route without the IAP range',
      { sshSourceRanges: ['203.0.113.0/24'], ssh: { connectVia: 'iap' } },
      'field "ssh.connectVia" is "iap", so sshSourceRanges must include Google\'s IAP range "35.235.240.0/20" (got ["203.0.113.0/24"]); or set connectVia to "direct"',
    ],
    [
      'direct route with only the IAP range',
      { ssh: { connectVia: 'direct' } },
      'field "ssh.connectVia" is "direct", so sshSourceRanges must include the network you connect from',
    ],
    [
      "image family too long for Packer's image names",
      { imageFamily: 'a'.repeat(49) },
      'field "imageFamily" must be a non-empty image family name: lowercase letters, digits and hyphens, at most 48 characters',
    ],
    [
      'OS Login without its user name',
      { ssh: { osLogin: true } },
      'field "ssh.user" must be the OS Login POSIX user name of the identity that deploys when ssh.osLogin is true (got nothing): ' +
        "`gcloud compute os-login describe-profile --format='value(posixAccounts[0].username)'` prints yours",
    ],
    [
      'zone format',
      { zone: 'europe-west1' },
      'field "zone" must be a zone of region "europe-west1": europe-west1-b, europe-west1-c, europe-west1-d (got "europe-west1")',
    ],
    [
      'zone of another region',
      { zone: 'us-central1-a' },
      'field "zone" must be a zone of region "europe-west1"',
    ],
    [
      'region format',
      { region: 'Europe West' },
      'field "region" must be a Compute Engine region such as "europe-west1" (got "Europe West"; the known ones are listed in config/gcp.ts)',
    ],
    [
      'bad project id',
      { projectId: 'My Project!' },
      'field "projectId" must be 6-30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen (got "My Project!")',
    ],
    [
      'empty image family',
      { imageFamily: '' },
      'field "imageFamily" must be a non-empty image family name',
    ],
    [
      'bad machine type',
      { machineType: 'big' },
      'field "machineType" must be a machine type such as "e2-small"',
    ],
    [
      'bad label value',
      { labels: { team: 'Ops Team' } },
      'field "labels.team" must be lowercase letters (international ones too), digits, "_" and "-", at most 63 characters (got "Ops Team")',
    ],
    [
      'reserved label',
      { labels: { env: 'x' } },
      'field "labels.env" is set by the project and must not be overridden',
    ],
    ['bad ssh user', { ssh: { user: 'Root User' } }, 'field "ssh.user" must be a POSIX user name'],
    [
      'bad app port',
      { app: { port: 80 } },
      'field "app.port" must be an integer from 1024 to 65535 (got 80)',
    ],
    [
      'bad app image',
      { app: { image: 'Not An Image' } },
      'field "app.image" must be a Docker image reference',
    ],
    [
      'small disk',
      { diskSizeGb: 5 },
      'field "diskSizeGb" must be an integer from 10 to 2000 (got 5)',
    ],
  ];
  test.each(cases)('%s', (_label, overrides, message) => {
    let error: unknown;
    try {
      resolveEnvs([validEnv(overrides)]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toContain(message);
    expect(text.startsWith('config error: environment "stage": ')).toBe(true);
    expect(text).not.toContain('\n');
  });

  test('SSH from anywhere is allowed when the config says so explicitly', () => {
    const [env] = resolveEnvs([
      validEnv({ sshSourceRanges: ['0.0.0.0/0'], allowSshFromAnywhere: true }),
    ]).environments;
    expect(env.sshSourceRanges).toEqual(['0.0.0.0/0']);
  });

  test('duplicate environment names', () => {
    expect(() => resolveEnvs([validEnv(), validEnv({ zone: 'europe-west1-c' })])).toThrow(
      'config error: environment "stage": field "name" must be unique across environments (got "stage" twice)',
    );
  });

  test('two environments in one project and zone would collide on host names', () => {
    expect(() => resolveEnvs([validEnv(), validEnv({ name: 'prod' })])).toThrow(
      'environment "prod": field "zone" must differ from environment "stage" in the same project',
    );
  });

  test('an environment may not be called "backend"', () => {
    expect(() => resolveEnvs([validEnv({ name: 'backend' })])).toThrow(
      'field "name" must not be "backend"',
    );
  });

  test('bad environment name', () => {
    expect(() => resolveEnvs([validEnv({ name: 'Stage' })])).toThrow(
      'config error: field "name" must be lowercase letters, digits and hyphens, starting with a letter, at most 17 characters (got "Stage")',
    );
  });

  test('no environments at all', () => {
    expect(() => resolveEnvs([])).toThrow(
      'config error: field "environments" must list at least one environment (got [])',
    );
  });

  test('project-wide fields', () => {
    expect(() => resolveEnvs([validEnv()], { stateVersionsKept: 0 })).toThrow(
      'config error: field "stateVersionsKept" must be an integer from 1 to 100 (got 0)',
    );
    expect(() => resolveEnvs([validEnv()], { backendState: 's3' as 'gcs' })).toThrow(
      'config error: field "backendState" must be "local" or "gcs" (got "s3")',
    );
    expect(() => resolveEnvs([validEnv()], { stateLocation: 'Mars' })).toThrow(
      'field "stateLocation" must be a Cloud Storage location',
    );
  });
});

describe('parseCidr', () => {
  test.each([
    ['35.235.240.0/20', { address: 602664960, prefix: 20 }],
    ['0.0.0.0/0', { address: 0, prefix: 0 }],
    ['192.0.2.7/32', { address: 3221225991, prefix: 32 }],
  ])('%s parses', (cidr, expected) => expect(parseCidr(cidr)).toEqual(expected));

  test.each([
    '256.0.0.0/8',
    '10.0.0.0',
    '10.0.0.0/33',
    '010.0.0.0/8',
    '10.0.0.1/8',
    '::/0',
    ' 10.0.0.0/8',
  ])('%s is refused', (cidr) => expect(parseCidr(cidr)).toBeUndefined());
});
