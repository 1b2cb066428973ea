#!/usr/bin/env node
// Runs a TypeScript entry point (main.ts for `cdktf synth`, driver/cli.ts for the driver) quickly: esbuild bundles the project's TypeScript (npm packages
// stay external) into node_modules/.cache/docker-hosts/, and the bundle is reused until one of the
// files it was built from changes. A warm synth then costs what plain JavaScript costs (no
// transpiler loaded at all). Type errors are caught by `tsc --noEmit` in `npm test`, not here.
'use strict';
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const entry = process.argv[2] ?? 'main.ts';
const cacheDir = join(ROOT, 'node_modules', '.cache', 'docker-hosts');
const bundle = join(cacheDir, `${entry.replace(/[^A-Za-z0-9_.-]/g, '_')}.js`);
const manifest = `${bundle}.inputs.json`;

function isFresh() {
  try {
    const { root, builtAt, inputs } = JSON.parse(readFileSync(manifest, 'utf8'));
    statSync(bundle);
    return root === ROOT && inputs.every((file) => statSync(join(ROOT, file)).mtimeMs < builtAt);
  } catch {
    return false;
  }
}

if (!isFresh()) {
  const builtAt = Date.now();
  const result = require('esbuild').buildSync({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${bundle}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, bundle);
  writeFileSync(manifest, JSON.stringify({ root: ROOT, builtAt, inputs: Object.keys(result.metafile.inputs) }));
}
// The entry sees the command line as if it had been started directly: [node, entry, ...args].
process.argv.splice(1, 2, join(ROOT, entry));
require(bundle);
