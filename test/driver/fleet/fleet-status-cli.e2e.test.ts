/** driver/fleet/fleet-status-cli.ts as a process (the host test runs it so): its exit codes. The parsing is fleet-status.test.ts's. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
// Reports written by ansible/playbooks/status.yml on the host test's two trixie hosts (real run).
const FIXTURES = join(__dirname, 'fixtures', 'status');
const HOSTS = ['docker-host-001', 'docker-host-002'];
const report = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${HOSTS[0]}.json`), 'utf8'));

describe('driver/fleet/fleet-status-cli.ts', () => {
  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['scripts/run-app.cjs', 'driver/fleet/fleet-status-cli.ts', ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );

  test('all hosts answering: exit 0; a host without a report: exit 3', () => {
    expect(cli('--dir', FIXTURES).status).toBe(0);
    const missing = cli(
      '--dir',
      FIXTURES,
      '--host',
      HOSTS[0],
      '--host',
      HOSTS[1],
      '--host',
      'docker-host-003',
    );
    expect(missing.status).toBe(3);
    expect(missing.stdout).toMatch(/docker-host-003 +unreachable/);
  });

  test('a malformed report: exit 1 and one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-status-'));
    try {
      writeFileSync(
        join(dir, 'docker-host-001.json'),
        JSON.stringify({ ...report(), colour: 'red' }),
      );
      const r = cli('--dir', dir, '--json');
      expect([r.status, r.stdout, r.stderr.trim().split('\n').length]).toEqual([1, '', 1]);
      expect(r.stderr).toMatch(/unknown field "colour"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad usage: exit 2', () => {
    expect(cli('--json').status).toBe(2);
  });
});
