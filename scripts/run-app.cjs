#!/usr/bin/env node
// Runs a TypeScript entry point (main.ts for `cdktf synth`, driver/cli.ts for the driver) quickly: esbuild bundles
// the project's TypeScript (npm packages stay external) into node_modules/.cache/docker-hosts/, and the bundle is
// reused while the *content* of every file it was built from (esbuild's metafile lists them) is unchanged, and each
// path still resolves to the same file (a symlinked config/environments.ts repointed is a new input).
// Modification times are not trusted: `cp -p`, `rsync -a`, `tar x` or a checkout can put an older-dated file
// in place, and the config on disk must be the config that runs. Hashing the few dozen inputs costs about a
// millisecond; a warm run then costs what plain JavaScript costs (no transpiler loaded at all). Type errors are
// caught by `tsc --noEmit` in `npm test`, not here.
// Loading the bundle is watched: a module that throws is one line naming its file and line (the bundle's source
// map, scripts/run-app-source.cjs), and one that never finishes (an endless loop in the config) is stopped after
// DOCKER_HOSTS_LOAD_TIMEOUT seconds (default 60) with one line saying where it was (scripts/run-app-watch.cjs).
'use strict';
const { Buffer } = require('node:buffer');
const { createHash } = require('node:crypto');
const {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
} = require('node:fs');
const { renameSync, writeFileSync } = require('node:fs');
const { extname, join, relative, resolve, sep } = require('node:path');
const { Worker } = require('node:worker_threads');

const ROOT = resolve(__dirname, '..');
const entry = process.argv[2] ?? 'main.ts';
const cacheDir = join(ROOT, 'node_modules', '.cache', 'docker-hosts');
const bundle = join(cacheDir, `${entry.replace(/[^A-Za-z0-9_.-]/g, '_')}.js`);
const manifest = `${bundle}.inputs.json`;
/** Called by the entry's first statement: every module it imports has loaded. */
const LOADED = Symbol.for('docker-hosts.run-app.loaded');
const LOADED_CALL = `globalThis[Symbol.for('docker-hosts.run-app.loaded')]?.();`;

/**
 * One hash over the launcher itself and, for each input in the order listed, its path as imported, the file it
 * resolves to (so repointing a symlink, or any link on the way, changes the key) and its content.
 */
function contentKey(inputs, read = (file) => readFileSync(join(ROOT, file))) {
  const hash = createHash('sha256').update(readFileSync(module.filename));
  for (const file of inputs)
    hash.update(`\0${file}\0${realpathSync(join(ROOT, file))}\0`).update(read(file));
  return hash.digest('hex');
}

/** The first bytes of a file (the bundle's key line), without reading the rest. */
function head(path, length) {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

function isFresh() {
  try {
    const { root, key, inputs } = JSON.parse(readFileSync(manifest, 'utf8'));
    // The key is checked against the bundle's own first line too, so a bundle and a manifest from two
    // different builds (two runs racing) never pass for each other.
    return (
      root === ROOT && key === contentKey(inputs) && head(bundle, key.length + 4) === `// ${key}\n`
    );
  } catch {
    return false;
  }
}

const LOADERS = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.js': 'js',
  '.cjs': 'js',
  '.mjs': 'js',
  '.json': 'json',
};

/** Builds the bundle; the key is hashed from the very bytes esbuild compiled (read once, by the plugin). */
async function build() {
  const seen = new Map();
  const record = {
    name: 'record-inputs',
    setup(b) {
      b.onLoad({ filter: /.*/ }, (args) => {
        // A FIFO (or a device) would block the read forever: only regular files are inputs.
        if (!statSync(args.path).isFile())
          return { errors: [{ text: `${args.path} is not a regular file (a FIFO or a device?)` }] };
        const contents = readFileSync(args.path);
        const file = relative(ROOT, args.path).split(sep).join('/');
        seen.set(file, contents);
        // The entry's imports are evaluated before its body: its first statement marks the end of loading (on its
        // first line, so the source map's lines stay the file's).
        const marked =
          args.path === resolve(ROOT, entry)
            ? Buffer.concat([Buffer.from(LOADED_CALL), contents])
            : contents;
        return { contents: marked, loader: LOADERS[extname(args.path)] ?? 'default' };
      });
    },
  };
  const result = await require('esbuild').build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    metafile: true,
    // Written beside the bundle, read only to name the file and line of a module that failed to load.
    sourcemap: 'external',
    sourcesContent: false,
    outfile: bundle,
    // Inputs are recorded by the path imported (config/environments.ts), not a symlink's target: contentKey adds
    // the target, so the key follows both.
    preserveSymlinks: true,
    write: false,
    logLevel: 'silent',
    plugins: [record],
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  const key = contentKey(inputs, (file) => seen.get(file) ?? readFileSync(join(ROOT, file)));
  mkdirSync(cacheDir, { recursive: true });
  const output = (suffix) =>
    result.outputFiles.find((f) => f.path === `${bundle}${suffix}`).contents;
  const tmpMap = `${bundle}.map.${process.pid}.tmp`;
  writeFileSync(tmpMap, output('.map'));
  renameSync(tmpMap, `${bundle}.map`);
  const tmp = `${bundle}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(`// ${key}\n`), output('')]));
  renameSync(tmp, bundle);
  const tmpManifest = `${manifest}.${process.pid}.tmp`;
  writeFileSync(tmpManifest, JSON.stringify({ root: ROOT, key, inputs }));
  renameSync(tmpManifest, manifest);
}

/** esbuild's first error as one line naming the file and line (a syntax error, a missing or unreadable module). */
function buildError(err) {
  const first = Array.isArray(err?.errors) ? err.errors[0] : undefined;
  if (first === undefined) return `error: ${err?.message ?? err}`;
  const at = first.location;
  // The entry's first line starts with the marker run() is told of loading by: columns there are shifted by it.
  const shift =
    at && resolve(ROOT, at.file) === resolve(ROOT, entry) && at.line === 1 ? LOADED_CALL.length : 0;
  const where = at ? `${at.file}:${at.line}:${Math.max(at.column - shift, 0) + 1}: ` : '';
  const more = err.errors.length > 1 ? ` (and ${err.errors.length - 1} more)` : '';
  return `error: ${where}${first.text.split('\n')[0]}${more}`;
}

/** Seconds the modules may take to load (DOCKER_HOSTS_LOAD_TIMEOUT), 60 unless a positive number is given. */
function loadTimeout() {
  const seconds = Number(process.env.DOCKER_HOSTS_LOAD_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 60;
}

/** Loads the bundle under the watchdog; a module that throws while loading is one line and exit code 1. */
function run() {
  // The entry sees the command line as if it had been started directly: [node, entry, ...args].
  process.argv.splice(1, 2, join(ROOT, entry));
  const workerData = { seconds: loadTimeout(), bundle, root: ROOT, entry };
  const watchdog = new Worker(join(__dirname, 'run-app-watch.cjs'), { workerData });
  watchdog.unref();
  // A watchdog that cannot start (no inspector in this Node, no threads left) only leaves loading unwatched.
  watchdog.on('error', () => undefined);
  // Should the watchdog end the main thread, this is its exit code; the entry starts with the one it had.
  const before = process.exitCode;
  process.exitCode = 1;
  const loaded = () => {
    delete globalThis[LOADED];
    process.exitCode = before;
    void watchdog.terminate();
  };
  globalThis[LOADED] = loaded;
  try {
    require(bundle);
  } catch (error) {
    if (LOADED in globalThis) loaded();
    process.stderr.write(`${require('./run-app-source.cjs').loadError(error, bundle, ROOT)}\n`);
    process.exitCode = 1;
    return;
  }
  // Only if the entry was not marked (it always is): loading is over once require returns.
  if (LOADED in globalThis) loaded();
}

if (isFresh()) {
  run();
} else {
  build().then(run, (err) => {
    process.stderr.write(`${buildError(err)}\n`);
    process.exitCode = 1;
  });
}
