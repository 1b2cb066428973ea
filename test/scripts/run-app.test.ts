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
  // Its own node_modules with only esbuild linked in: the cache folder under it is this project's alone.
  mkdirSync(join(dir, 'node_modules'));
  for (const pkg of ['esbuild', '@esbuild'])
    symlinkSync(join(ROOT, 'node_modules', pkg), join(dir, 'node_modules', pkg));
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

  test('a symlinked input is keyed on its path and its target: repointing the link or replacing it rebuilds', () => {
    const p = project();
    dirs.push(p.dir);
    mkdirSync(join(p.dir, 'envs'));
    writeFileSync(join(p.dir, 'envs', 'a.ts'), "export const value: string = 'a';\n");
    writeFileSync(join(p.dir, 'envs', 'b.ts'), "export const value: string = 'b';\n");
    rmSync(join(p.dir, 'value.ts'));
    symlinkSync('envs/a.ts', join(p.dir, 'value.ts'));
    expect(p.run().stdout).toBe('a []\n');
    // ln -sfn envs/b.ts value.ts: the link now names another file, whose content differs.
    rmSync(join(p.dir, 'value.ts'));
    symlinkSync('envs/b.ts', join(p.dir, 'value.ts'));
    expect(p.run().stdout).toBe('b []\n');
    // The link replaced by a regular file.
    rmSync(join(p.dir, 'value.ts'));
    writeFileSync(join(p.dir, 'value.ts'), "export const value: string = 'plain';\n");
    expect(p.run().stdout).toBe('plain []\n');
  });

  test('an input put in place with an older modification time is still read (the cache is keyed on content)', () => {
    const p = project();
    dirs.push(p.dir);
    expect(p.run().stdout).toBe('one []\n');
    // What `cp -p`, `rsync -a`, `tar x` or a checkout of an older commit do: new content, an old date.
    writeFileSync(join(p.dir, 'value.ts'), "export const value: string = 'old-dated';\n");
    const past = new Date(Date.now() - 86_400_000);
    utimesSync(join(p.dir, 'value.ts'), past, past);
    expect(p.run().stdout).toBe('old-dated []\n');
  });

  test('a bundle whose manifest belongs to another build is rebuilt, not trusted', () => {
    const p = project();
    dirs.push(p.dir);
    expect(p.run().stdout).toBe('one []\n');
    const bundle = join(p.dir, 'node_modules', '.cache', 'docker-hosts', 'entry.ts.js');
    writeFileSync(bundle, "console.log('stale');\n");
    expect(p.run().stdout).toBe('one []\n');
  });

  test('a syntax error is one line naming the file, line and column, and a non-zero exit', () => {
    const p = project();
    dirs.push(p.dir);
    writeFileSync(join(p.dir, 'value.ts'), 'export const value = ;\n');
    const result = p.run();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/^error: value\.ts:1:22: Unexpected ";"\n$/);
  });

  test('a FIFO as an input fails at once with one line, instead of waiting for a writer', () => {
    const p = project();
    dirs.push(p.dir);
    rmSync(join(p.dir, 'value.ts'));
    spawnSync('mkfifo', [join(p.dir, 'value.ts')]);
    const result = spawnSync(process.execPath, [join(p.dir, 'scripts', 'run-app.cjs'), 'entry.ts'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^error: entry\.ts:1:23: .*value\.ts is not a regular file \(a FIFO or a device\?\)\n$/,
    );
  });

  test('a missing or directory module is one line naming the importing file and line', () => {
    const p = project();
    dirs.push(p.dir);
    rmSync(join(p.dir, 'value.ts'));
    const missing = p.run();
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toBe('error: entry.ts:1:23: Could not resolve "./value"\n');
    mkdirSync(join(p.dir, 'value.ts'));
    const directory = p.run();
    expect(directory.status).not.toBe(0);
    expect(String(directory.stderr).split('\n')).toHaveLength(2);
    expect(directory.stderr).toMatch(/^error: entry\.ts:1:23: /);
  });
});
