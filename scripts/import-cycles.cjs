#!/usr/bin/env node
// Fails on an import cycle between the project's TypeScript files (`npm run lint` runs it; a folder as the argument
// checks that folder instead). Type-only imports
// count: a cycle of types is still two files that cannot be read one before the other. The imports are read with
// the TypeScript compiler's own pre-processor (no type check, about a second), relative paths only (packages and
// node: modules cannot close a cycle through the project).
'use strict';
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');
const ts = require('typescript');

const ROOT = resolve(__dirname, '..');
const SKIP = new Set(['node_modules', 'cdktf.out', '.run', 'dist', 'coverage', '.git']);

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The project file a relative specifier names, or undefined (a package, a JSON file). */
function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find(
    (file) => file.endsWith('.ts') && existsSync(file) && statSync(file).isFile(),
  );
}

function importGraph(files) {
  const graph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((ref) => resolveImport(file, ref.fileName))
      .filter(Boolean);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Tarjan's strongly connected components: every component of more than one file is a cycle. */
function cycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  function visit(node) {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node), index.get(target)));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = (graph.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) found.push(component.sort());
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Every cycle under `root`, each as the sorted paths relative to it. */
function importCycles(root) {
  return cycles(importGraph(sources(root))).map((component) =>
    component.map((file) => relative(root, file)),
  );
}

function main(root) {
  const found = importCycles(root);
  for (const names of found)
    console.error(`import cycle between ${names.length} files: ${names.join(', ')}`);
  if (found.length === 0) return 0;
  console.error(
    `${found.length} import cycle(s): move what both sides need into a file that imports neither.`,
  );
  return 1;
}

module.exports = { importCycles };
if (require.main === module) process.exitCode = main(process.argv[2] ?? ROOT);
