/** driver/fleet/drift-cli.ts as a process (the host test runs it so): its exit codes. The parsing is drift.test.ts's. */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const FIXTURES = join(__dirname, 'fixtures', 'drift');

describe('driver/fleet/drift-cli.ts', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['scripts/run-app.cjs', 'driver/fleet/drift-cli.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  test('exit 2 with drift, 0 without, 1 on a file that is not the json output, 64 on bad usage', () => {
    const drift = cli('--file', join(FIXTURES, 'daemon-json-edited.json'));
    expect([drift.status, drift.stdout.split('\n')[0]]).toEqual([
      2,
      expect.stringMatching(/^docker-host-001: drift/),
    ]);
    expect(cli('--file', join(FIXTURES, 'no-drift.json'), '--json').status).toBe(0);
    const bad = cli('--file', join(ROOT, 'package.json'));
    expect([bad.status, bad.stderr.trim()]).toEqual([
      1,
      expect.stringMatching(/^drift: not the output of the json/),
    ]);
    expect(cli('--nope').status).toBe(64);
  });
});
