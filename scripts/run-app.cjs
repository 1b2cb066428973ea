#!/usr/bin/env node
// Runs a TypeScript entry point (main.ts for `cdktf synth`, driver/cli.ts for the driver) quickly: esbuild bundles
// the project's TypeScript (npm packages stay external) into node_modules/.cache/docker-hosts/, and the bundle is
// reused while the *content* of every file it was built from (esbuild's metafile lists them) is unchanged, and each
// path still resolves to the same file (a symlinked config/environments.ts repointed is a new input).
// Modification times are not trusted: `cp -p`, `rsync -a`, `tar x` or a checkout can put an older-dated file
// in place, and the config on disk must be the config that runs. Hashing the few dozen inputs costs about a
// millisecond; a warm run then costs what plain JavaScript costs (no transpiler loaded at all). Type errors are
// caught by `tsc --noEmit` in `npm test`, not here.
'use strict';
const { Buffer } = require('node:buffer');
const { createHash } = require('node:crypto');
const { closeSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, statSync } = require('node:fs');
const { renameSync, writeFileSync } = require('node:fs');
const { extname, join, relative, resolve, sep } = require('node:path');

const ROOT = resolve(__dirname, '..');
const entry = process.argv[2] ?? 'main.ts';
const cacheDir = join(ROOT, 'node_modules', '.cache', 'docker-hosts');
const bundle = join(cacheDir, `${entry.replace(/[^A-Za-z0-9_.-]/g, '_')}.js`);
const manifest = `${bundle}.inputs.json`;

/**
 * One hash over the launcher itself and, for each input in the order listed, its path as imported, the file it
 * resolves to (so repointing a symlink, or any link on the way, changes the key) and its content.
 */
function contentKey(inputs, read = (file) => readFileSync(join(ROOT, file))) {
  const hash = createHash('sha256').update(readFileSync(module.filename));
  for (const file of inputs) hash.update(`\0${file}\0${realpathSync(join(ROOT, file))}\0`).update(read(file));
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
    return root === ROOT && key === contentKey(inputs) && head(bundle, key.length + 4) === `// ${key}\n`;
  } catch {
    return false;
  }
}

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.cjs': 'js', '.mjs': 'js', '.json': 'json' };

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
        seen.set(relative(ROOT, args.path).split(sep).join('/'), contents);
        return { contents, loader: LOADERS[extname(args.path)] ?? 'default' };
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
  const tmp = `${bundle}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(`// ${key}\n`), result.outputFiles[0].contents]));
  renameSync(tmp, bundle);
  const tmpManifest = `${manifest}.${process.pid}.tmp`;
  writeFileSync(tmpManifest, JSON.stringify({ root: ROOT, key, inputs }));
  renameSync(tmpManifest, manifest);
}

/** esbuild's first error as one line naming the file and line (a syntax error, a missing or unreadable module). */
function buildError(err) {
  const first = Array.isArray(err?.errors) ? err.errors[0] : undefined;
  if (first === undefined) return `error: ${err?.message ?? err}`;
  const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
  const more = err.errors.length > 1 ? ` (and ${err.errors.length - 1} more)` : '';
  return `error: ${where}${first.text.split('\n')[0]}${more}`;
}

function run() {
  // The entry sees the command line as if it had been started directly: [node, entry, ...args].
  process.argv.splice(1, 2, join(ROOT, entry));
  require(bundle);
}

if (isFresh()) {
  run();
} else {
  build().then(run, (err) => {
    process.stderr.write(`${buildError(err)}\n`);
    process.exitCode = 1;
  });
}
