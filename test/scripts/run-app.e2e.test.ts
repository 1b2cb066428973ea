import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** A throwaway project with its own copy of the launcher, so the bundle cache is its own too. */
function project(): { dir: string; run: (...args: string[]) => ReturnType<typeof spawnSync> } {
  const dir = mkdtempSync(join(tmpdir(), 'run-app-'));
  mkdirSync(join(dir, 'scripts'));
  for (const file of ['run-app.cjs', 'run-app-source.cjs', 'run-app-watch.cjs'])
    copyFileSync(join(ROOT, 'scripts', file), join(dir, 'scripts', file));
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
      spawnSync(process.execPath, [join(dir, 'scripts', 'run-app.cjs'), 'entry.ts', ...args], {
        encoding: 'utf8',
        env: { ...process.env, DOCKER_HOSTS_LOAD_TIMEOUT: '2' },
        timeout: 30_000,
      }),
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
    const result = spawnSync(
      process.execPath,
      [join(p.dir, 'scripts', 'run-app.cjs'), 'entry.ts'],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^error: entry\.ts:1:23: .*value\.ts is not a regular file \(a FIFO or a device\?\)\n$/,
    );
  });

  test('a module that throws while loading is one line naming the file and line, exit 1', () => {
    const p = project();
    dirs.push(p.dir);
    writeFileSync(
      join(p.dir, 'value.ts'),
      "// the config\nexport const value: string = (() => {\n  throw new TypeError('no hosts\\nat all');\n})();\n",
    );
    const result = p.run();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: value.ts:3:9: TypeError: no hosts (thrown while loading the modules)\n',
    );
    // From a warm bundle too (its source map is kept beside it).
    expect(p.run().stderr).toBe(result.stderr);
    // A thrown value that is not an Error has no stack to say where.
    writeFileSync(join(p.dir, 'value.ts'), "export const value: string = 'x';\nthrow 'plain';\n");
    expect(p.run().stderr).toBe('error: plain (thrown while loading the modules)\n');
  });

  test('a module that never finishes loading is stopped with one line naming where it was, exit 1', () => {
    const p = project();
    dirs.push(p.dir);
    writeFileSync(
      join(p.dir, 'value.ts'),
      "let n = 0;\nwhile (n >= 0) n = (n + 1) % 7;\nexport const value = 'x';\n",
    );
    const result = p.run();
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: the modules of entry.ts did not finish loading in 2 s (still running value.ts:2:1): ' +
        'a module that never finishes, such as an endless loop in config/environments.ts\n',
    );
  });

  test('top-level await (a promise that may never settle) is refused at build, one line', () => {
    const p = project();
    dirs.push(p.dir);
    writeFileSync(
      join(p.dir, 'value.ts'),
      "await new Promise(() => {});\nexport const value = 'x';\n",
    );
    const result = p.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: value.ts:1:1: Top-level await is currently not supported with the "cjs" output format\n',
    );
  });

  test('the watchdog ends with loading: an entry running longer, and its exit code, are left alone', () => {
    const p = project();
    dirs.push(p.dir);
    writeFileSync(
      join(p.dir, 'entry.ts'),
      "import { value } from './value';\nsetTimeout(() => {\n  console.log(value);\n  process.exitCode = 3;\n}, 3000);\n",
    );
    const result = p.run();
    expect([result.status, result.stdout, result.stderr]).toEqual([3, 'one\n', '']);
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
