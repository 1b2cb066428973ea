import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** A throwaway project with its own copy of the launcher, so the bundle cache is its own too. */
function project(): { dir: string; run: (...args: string[]) => ReturnType<typeof spawnSync> } {
  const dir = mkdtempSync(join(tmpdir(), 'run-app-'));
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(ROOT, 'scripts', 'run-app.cjs'), join(dir, 'scripts', 'run-app.cjs'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'value.ts'), "export const value: string = 'one';\n");
  writeFileSync(
    join(dir, 'entry.ts'),
    "import { value } from './value';\nconsole.log(`${value} ${JSON.stringify(process.argv.slice(2))}`);\n",
  );
  return {
    dir,
    run: (...args) =>
      spawnSync(process.execPath, [join(dir, 'scripts', 'run-app.cjs'), 'entry.ts', ...args], { encoding: 'utf8' }),
  };
}

describe('scripts/run-app.cjs', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('runs a TypeScript entry with its own arguments, as if started directly', () => {
    const p = project();
    dirs.push(p.dir);
    const result = p.run('up', 'stage', '--dry-run');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('one ["up","stage","--dry-run"]\n');
  });

  test('reuses the bundle until a file it was built from changes, then rebuilds', () => {
    const p = project();
    dirs.push(p.dir);
    expect(p.run().stdout).toBe('one []\n');
    expect(p.run().stdout).toBe('one []\n');
    writeFileSync(join(p.dir, 'value.ts'), "export const value: string = 'two';\n");
    // Make the edit unmistakably newer than the cached build, whatever the filesystem's clock granularity.
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(p.dir, 'value.ts'), later, later);
    expect(p.run().stdout).toBe('two []\n');
  });

  test('a syntax error fails with esbuild’s message and a non-zero exit', () => {
    const p = project();
    dirs.push(p.dir);
    writeFileSync(join(p.dir, 'value.ts'), 'export const value = ;\n');
    const result = p.run();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('value.ts');
  });
});
