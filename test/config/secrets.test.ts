import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectSpec, resolveProject } from '../../config';
import { show } from '../../config/redact';
import { sshPublicKeyCheck } from '../../driver/preflight/ssh-key-checks';
import { TEST_KEY, validEnv } from '../helpers';

/** A private key in the shape OpenSSH writes it; its body must never appear in any message. */
const BODY = [
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACDpRG',
  'QAAAEBmZW5jZWQtdGVzdC1rZXktbm90LXJlYWwtYnV0LXNoYXBlZC1saWtlLW9uZQAAAAtzc2gtZWQyNTUxOQAA',
];
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${BODY.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
const PIECES = [...BODY.map((line) => line.slice(10, 40)), 'BEGIN OPENSSH PRIVATE KEY'];

function messageOf(spec: unknown): string {
  try {
    resolveProject(spec as ProjectSpec);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('resolved without error');
}

/** Every place a string goes in the config: each is an error path when the string is a private key. */
const env = (patch: Record<string, unknown>) => ({ environments: [{ ...validEnv(), ...patch }] });
const PATHS: [string, unknown][] = [
  ...[
    'name',
    'projectId',
    'region',
    'zone',
    'machineType',
    'diskType',
    'imageFamily',
    'sourceImageFamily',
  ].map((f) => [f, env({ [f]: PRIVATE_KEY })] as [string, unknown]),
  ['sourceImageProject', env({ sourceImageProject: PRIVATE_KEY })],
  ['network', env({ network: PRIVATE_KEY })],
  ['appSourceRanges', env({ appSourceRanges: [PRIVATE_KEY] })],
  ['sshSourceRanges', env({ sshSourceRanges: [PRIVATE_KEY] })],
  ['labels key', env({ labels: { [PRIVATE_KEY]: 'x' } })],
  ['labels value', env({ labels: { team: PRIVATE_KEY } })],
  ['ssh.user', env({ ssh: { publicKeys: [TEST_KEY], user: PRIVATE_KEY } })],
  ['ssh.publicKeys', env({ ssh: { publicKeys: [PRIVATE_KEY] } })],
  ['ssh.publicKeys, one line of it', env({ ssh: { publicKeys: [BODY[0]] } })],
  [
    'ssh.publicKeys, a key type then the body',
    env({ ssh: { publicKeys: [`ssh-ed25519 ${BODY[0]}!`] } }),
  ],
  ['ssh.connectVia', env({ ssh: { publicKeys: [TEST_KEY], connectVia: PRIVATE_KEY } })],
  ['app.image', env({ app: { image: PRIVATE_KEY } })],
  ['app.containerName', env({ app: { containerName: PRIVATE_KEY } })],
  ['a field named by the key', env({ [PRIVATE_KEY]: 1 })],
  ['a wrong kind', env({ app: PRIVATE_KEY })],
  ['stateLocation', { ...env({}), stateLocation: PRIVATE_KEY }],
  ['backendState', { ...env({}), backendState: PRIVATE_KEY }],
  ['an environment that is the key', { environments: [PRIVATE_KEY] }],
];

describe('no error message repeats key material', () => {
  test.each(PATHS)('%s', (_label, spec) => {
    const message = messageOf(spec);
    expect(message).toMatch(/^config error: /);
    for (const piece of PIECES) expect(message).not.toContain(piece);
  });

  test('a long value is shown as a short excerpt with its length', () => {
    const shown = show('x-'.repeat(500));
    expect(shown.length).toBeLessThan(100);
    expect(shown).toContain('(1002 characters)');
  });

  test('long plain paths and URLs with mixed case and digits are shown or excerpted, not taken for keys', () => {
    expect(show('/Users/AliceSmith/Documents/DockerHosts2024/config/keys')).toBe(
      '"/Users/AliceSmith/Documents/DockerHosts2024/config/keys"',
    );
    expect(show('https://example.com/Some/Long/Path/That/Goes/On/And/On/Release2024')).toBe(
      '"https://example.com/Some/Long/Path/That/Goes/On/And/On/Release2024"',
    );
    const long = `/home/ops/Projects2024/${'DockerHosts/'.repeat(10)}id`;
    expect(show(long)).toBe(
      `${JSON.stringify(long).slice(0, 60)}… (${long.length + 2} characters)`,
    );
  });

  test('keys made by ssh-keygen are withheld: every public key, every line of every private key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keygen-'));
    try {
      const types = [['ed25519'], ['ed25519'], ['ed25519'], ['rsa', '-b', '2048'], ['ecdsa']];
      types.forEach(([type, ...bits], i) => {
        const file = join(dir, `k${i}`);
        execFileSync('ssh-keygen', [
          '-q',
          '-t',
          type,
          ...bits,
          '-N',
          '',
          '-C',
          'ops@example',
          '-f',
          file,
        ]);
        const lines = [
          readFileSync(`${file}.pub`, 'utf8').trim(),
          ...readFileSync(file, 'utf8').split('\n'),
        ];
        for (const line of lines.filter((l) => l.length >= 40))
          expect(show(line)).toMatch(/not shown: they look like key/);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the driver never echoes the local key file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'key-echo-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a private key where the public one should be', () => {
    mkdirSync(join(dir, '.ssh'));
    writeFileSync(join(dir, '.ssh', 'docker-hosts.pub'), PRIVATE_KEY);
    chmodSync(join(dir, '.ssh', 'docker-hosts.pub'), 0o600);
    const [config] = resolveProject({ environments: [validEnv()] }, { home: dir }).environments;
    const finding = sshPublicKeyCheck(config);
    expect(finding.ok).toBe(false);
    for (const piece of PIECES) expect(`${finding.summary}\n${finding.fix}`).not.toContain(piece);
  });
});
