// Where in the project's TypeScript a position of run-app.cjs's bundle comes from, through the bundle's source map
// (written beside it): what turns "a module threw while loading" or "a module never finishes" into one line naming
// the file and line. Used by run-app.cjs and its watchdog only when something went wrong.
'use strict';
const { readFileSync } = require('node:fs');
const { SourceMap } = require('node:module');
const { dirname, relative, resolve, sep } = require('node:path');

/** The bundle's first line is its key (`// <key>`), which the source map does not know of. */
const KEY_LINES = 1;

/** `file:line:column` of the source of a 0-based bundle position, or undefined (no map, or not from a source). */
function sourcePosition(bundle, root, line, column) {
  let entry;
  try {
    const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
    entry = map.findEntry(line - KEY_LINES, column);
  } catch {
    return undefined;
  }
  if (entry?.originalSource === undefined) return undefined;
  const file = relative(root, resolve(dirname(bundle), entry.originalSource))
    .split(sep)
    .join('/');
  return `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

/** The first frame of an error's stack that is in the bundle, as a source position. */
function thrownAt(error, bundle, root) {
  const stack = typeof error?.stack === 'string' ? error.stack : '';
  for (const m of stack.matchAll(/\(?([^\s()]+):(\d+):(\d+)\)?$/gm)) {
    if (m[1] !== bundle) continue;
    const where = sourcePosition(bundle, root, Number(m[2]) - 1, Number(m[3]) - 1);
    if (where !== undefined) return where;
  }
  return undefined;
}

/** What a module threw while the bundle loaded, as one line: `error: <file>:<line>:<column>: <message>`. */
function loadError(error, bundle, root) {
  const where = thrownAt(error, bundle, root);
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n')[0];
  return `error: ${where === undefined ? '' : `${where}: `}${name}${first} (thrown while loading the modules)`;
}

module.exports = { loadError, sourcePosition };
