import { ConfigError, ProjectSpec, resolveProject } from '../../config';
import { TEST_KEY, validEnv } from '../helpers';

/** Resolves a project spec built from untyped input, as bundled JavaScript would see a mistyped config. */
function resolveRaw(spec: unknown): unknown {
  return resolveProject(spec as ProjectSpec);
}

function errorOf(spec: unknown): string {
  try {
    resolveRaw(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('resolved without error');
}

describe('unknown fields fail, in every record and nested object, with the field meant', () => {
  test.each([
    [
      'top-level field of an environment',
      { hostcount: 3 },
      'field "hostcount" is not a known field; did you mean "hostCount"?',
    ],
    [
      'a field with a typo',
      { machinType: 'e2-small' },
      'field "machinType" is not a known field; did you mean "machineType"?',
    ],
    [
      'ssh',
      { ssh: { publicKeys: [TEST_KEY], osLogn: true } },
      'field "ssh.osLogn" is not a known field; did you mean "ssh.osLogin"?',
    ],
    [
      'app',
      { app: { imag: 'nginx:1' } },
      'field "app.imag" is not a known field; did you mean "app.image"?',
    ],
    ['no close match', { colour: 'blue' }, 'field "colour" is not a known field'],
  ])('%s', (_label, extra, message) => {
    const text = errorOf({ environments: [{ ...validEnv(), ...extra }] });
    expect(text).toBe(`config error: environment "stage": ${message}`);
  });

  test('project-wide fields too', () => {
    expect(errorOf({ environments: [validEnv()], stateLocaton: 'EU' })).toBe(
      'config error: field "stateLocaton" is not a known field; did you mean "stateLocation"?',
    );
  });

  test('an environment field at project level (projectId): it belongs in each environment', () => {
    expect(errorOf({ projectId: 'acme-123', environments: [validEnv()] })).toBe(
      'config error: field "projectId" is set per environment, not for the project: move it into each record of "environments"',
    );
  });

  test('the old key fields are unknown now, and say so', () => {
    expect(errorOf({ environments: [{ ...validEnv(), ssh: { publicKey: TEST_KEY } }] })).toContain(
      'field "ssh.publicKey" is not a known field; did you mean "ssh.publicKeys"?',
    );
  });
});

describe('wrong shapes fail instead of falling back to defaults', () => {
  test.each([
    [
      'a string where the app object belongs',
      { app: 'nginx:latest' },
      'field "app" must be an object with the fields image, build, port, containerName, healthCheckPath, env, secrets, volumes (got "nginx:latest")',
    ],
    [
      'a string where a number belongs',
      { hostCount: '3' },
      'field "hostCount" must be a number (got "3")',
    ],
    [
      'one range instead of a list',
      { appSourceRanges: '0.0.0.0/0' },
      'field "appSourceRanges" must be a list of strings (got "0.0.0.0/0")',
    ],
    ['labels as a list', { labels: ['team'] }, 'field "labels" must be an object of string values'],
    [
      'a label with a number',
      { labels: { tier: 1 } },
      'field "labels" must be an object of string values',
    ],
    [
      'ssh as true',
      { ssh: true },
      'field "ssh" must be an object with the fields user, publicKeys',
    ],
    [
      'a string for a boolean',
      { allowSshFromAnywhere: 'false' },
      'field "allowSshFromAnywhere" must be true or false (got "false")',
    ],
  ])('%s', (_label, extra, message) => {
    expect(errorOf({ environments: [{ ...validEnv(), ...extra }] })).toContain(
      `environment "stage": ${message}`,
    );
  });

  test('an environment that is not an object', () => {
    expect(errorOf({ environments: ['stage'] })).toBe(
      'config error: field "environments[0]" must be an object with a "name" (got "stage")',
    );
  });
});

describe('values the messages used to show wrongly (issue 20)', () => {
  test('NaN and Infinity are shown as such, not as null', () => {
    for (const [value, shown] of [
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
    ] as const) {
      expect(errorOf({ environments: [{ ...validEnv(), hostCount: value }] })).toBe(
        `config error: environment "stage": field "hostCount" must be an integer from 1 to 50 (got ${shown})`,
      );
    }
  });

  test('the environment name is excerpted or withheld like every other value', () => {
    const long = errorOf({ environments: [{ ...validEnv(), name: 'a'.repeat(300), colour: 'x' }] });
    expect(long).not.toContain('a'.repeat(81));
    expect(long).toContain('(302 characters)');
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2g`;
    const keyed = errorOf({ environments: [{ ...validEnv(), name: key, colour: 'x' }] });
    expect(keyed).not.toContain('PRIVATE KEY');
    expect(keyed).not.toContain('b3BlbnNzaC1rZXkt');
    expect(keyed).toContain('characters not shown: they look like key material');
  });

  test('label values with international lowercase letters are accepted, as Google does', () => {
    const spec = {
      environments: [{ ...validEnv(), labels: { team: 'équipe', owner: 'ñandú_2' } }],
    };
    expect(() => resolveRaw(spec)).not.toThrow();
    expect(errorOf({ environments: [{ ...validEnv(), labels: { team: 'Équipe' } }] })).toContain(
      'field "labels.team" must be lowercase letters',
    );
  });

  test('SSH public keys: a blob that does not decode, a type that is not the blob, two keys on one line, PEM', () => {
    const keyErr = (key: string) =>
      errorOf({ environments: [{ ...validEnv(), ssh: { publicKeys: [key] } }] });
    const blob = TEST_KEY.split(' ')[1];
    expect(keyErr('ssh-ed25519 AAAAC3Nza ops@x')).toContain(
      'field "ssh.publicKeys[0]" has a key blob that does not decode to an OpenSSH ssh-ed25519 key (the value is not shown)',
    );
    expect(keyErr(`ssh-rsa ${blob} ops@x`)).toContain(
      'field "ssh.publicKeys[0]" says ssh-rsa but its blob is a "ssh-ed25519" key: the type must match the blob',
    );
    expect(keyErr(`${TEST_KEY} ${TEST_KEY}`)).toContain(
      'field "ssh.publicKeys[0]" holds two keys on one line: give each key as its own list entry',
    );
    const pem = `-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n`;
    const pemErr = keyErr(pem);
    expect(pemErr).toContain("is a PEM or RFC 4716 public key: give it in OpenSSH's one-line form");
    expect(pemErr).not.toContain('private key');
    expect(pemErr).not.toContain('MCowBQYDK2Vw');
    expect(() => resolveRaw({ environments: [validEnv()] })).not.toThrow();
  });

  test('a control character in ssh.privateKeyFile is refused, shown escaped', () => {
    const ssh = { publicKeys: [TEST_KEY], privateKeyFile: '/tmp/k\necho pwned' };
    expect(errorOf({ environments: [{ ...validEnv(), ssh }] })).toBe(
      'config error: environment "stage": field "ssh.privateKeyFile" must be a file path without control characters ' +
        'such as newlines (got "/tmp/k\\necho pwned")',
    );
  });
});
