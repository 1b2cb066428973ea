/** Flags swallowed by npm, through a real `npm run` (the detection itself: cli-helpers.test.ts). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('flags swallowed by npm', () => {
  test('through a real npm run (no "--")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-hosts-npm-'));
    try {
      const script = `node ${join(ROOT, 'scripts', 'run-app.cjs')} test/fixtures/npm/swallowed-main.ts`;
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'npm-test', private: true, scripts: { pipeline: script } }),
      );
      const run = (...args: string[]) =>
        execFileSync('npm', ['run', '-s', 'pipeline', ...args], { cwd: dir, encoding: 'utf8' });
      expect(run('stage', '--dry-run')).toContain(
        'use npx docker-hosts stage --dry-run (or npm run pipeline -- stage --dry-run)\n',
      );
      expect(run('stage', '--only', 'check', '-n')).toContain(
        'npm took --only check, -n for itself (without "--" the options after "npm run pipeline" are npm\'s), so nothing was run: use npx docker-hosts stage --only check -n (or',
      );
      expect(run('--', 'stage', '--dry-run')).toBe('ran with ["stage","--dry-run"]\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
