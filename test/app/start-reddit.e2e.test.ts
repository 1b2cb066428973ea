import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '..', '..', 'app', 'start-reddit.sh');

/**
 * Runs app/start-reddit.sh with stand-ins for mongod and bundle (puma) on PATH that record their arguments, and
 * returns what ran.
 */
function startWith(databaseUrl: string | undefined): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'start-reddit-'));
  try {
    const log = join(dir, 'calls');
    for (const tool of ['mongod', 'bundle']) {
      writeFileSync(join(dir, tool), `#!/bin/sh\necho "${tool} $*" >> "${log}"\n`);
      chmodSync(join(dir, tool), 0o755);
    }
    const env: Record<string, string> = {
      PATH: `${dir}:/usr/bin:/bin`,
      PORT: '9292',
      RACK_ENV: 'production',
    };
    if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
    const result = spawnSync('sh', [SCRIPT], { env, encoding: 'utf8', timeout: 10_000 });
    expect([result.status, result.stderr]).toEqual([0, '']);
    return readFileSync(log, 'utf8').trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('app/start-reddit.sh', () => {
  test.each([[undefined], ['127.0.0.1'], ['localhost:27017']])(
    'DATABASE_URL %j: MongoDB runs inside, on loopback, and is shut down after the app',
    (url) => {
      const calls = startWith(url);
      expect(calls[0]).toMatch(/^mongod --fork .*--bind_ip 127\.0\.0\.1 --port 27017$/);
      expect(calls[1]).toBe('bundle exec puma --bind tcp://0.0.0.0:9292 --environment production');
      expect(calls[2]).toBe('mongod --dbpath /data/db --shutdown');
    },
  );

  test('DATABASE_URL naming another host (the mongo accessory): no mongod at all', () => {
    expect(startWith('docker-host-001:27017')).toEqual([
      'bundle exec puma --bind tcp://0.0.0.0:9292 --environment production',
    ]);
  });
});
