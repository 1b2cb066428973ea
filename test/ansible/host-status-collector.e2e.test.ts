import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// ansible/roles/app/files/host_status.py runs on the hosts (the host test runs it for real); its
// pure helpers are checked here with the machine's python3, on the input shapes the hosts give.
const SCRIPT_DIR = resolve(__dirname, '..', '..', 'ansible', 'roles', 'app', 'files');

function py(code: string): unknown {
  const r = spawnSync(
    'python3',
    ['-c', `import sys, json; sys.path.insert(0, ${JSON.stringify(SCRIPT_DIR)})\n${code}`],
    // No __pycache__ next to the role's file.
    { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('host_status.py', () => {
  test('pending security updates: the apt-get -s lines from a -security archive, by package', () => {
    const lines = [
      'Inst libc6 [2.41-12] (2.41-12+deb13u1 Debian-Security:13/stable-security [amd64])',
      'Inst openssl [3.0.16-1~deb12u1] (3.0.17-1~deb12u2 Debian:12.12/oldstable, Debian-Security:12/oldstable-security [amd64])',
      'Inst tzdata [2025a-0+deb13u1] (2025b-0+deb13u1 Debian:13.1/stable-updates [all])',
      'Inst linux-image-6.12.48+deb13-amd64 (6.12.48-1 Debian-Security:13/stable-security [amd64])',
      'Conf libc6 (2.41-12+deb13u1 Debian-Security:13/stable-security [amd64])',
    ];
    const out = py(
      `import host_status as h\nprint(json.dumps([m.group(1) for m in map(h.INST.match, ${JSON.stringify(lines)}) if m and "-security" in m.group(3)]))`,
    );
    expect(out).toEqual(['libc6', 'openssl', 'linux-image-6.12.48+deb13-amd64']);
  });

  test.each([
    ['acme/app:1.4', {}, '1.4'],
    ['registry.example:5000/team/app', {}, null],
    ['vladimirdenisov69/otus-reddit:1.0', {}, '1.0'],
    ['app@sha256:' + '0'.repeat(64), {}, null],
    ['acme/app:latest', { 'org.opencontainers.image.version': '2.3.1' }, '2.3.1'],
  ])('release of %s', (ref, labels, release) => {
    expect(
      py(
        `import host_status as h\nprint(json.dumps(h.release_of(${JSON.stringify(ref)}, ${JSON.stringify(labels)})))`,
      ),
    ).toBe(release);
  });
});
