import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { importCycles } = require('../../scripts/import-cycles.cjs') as {
  importCycles: (root: string) => string[][];
};

// The repository itself is checked by `npm run lint`.
describe('scripts/import-cycles.cjs', () => {
  let dir: string;
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'import-cycles-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a cycle through a type-only import and a folder index, and names its files', () => {
    write({
      'a/x.ts': "import type { Y } from '../b';\nexport type X = Y;\n",
      'b/index.ts': "export { z } from './z';\nexport type Y = string;\n",
      'b/z.ts': "import type { X } from '../a/x';\nexport const z: X = '';\n",
      'c.ts': "import { z } from './b';\nexport const c = z;\n",
    });
    expect(importCycles(dir)).toEqual([['a/x.ts', 'b/index.ts', 'b/z.ts']]);
  });

  it('a chain, packages and node: modules are no cycle', () => {
    write({
      'a.ts':
        "import { b } from './b';\nimport { join } from 'node:path';\nexport const a = join(b);\n",
      'b.ts': "import ts from 'typescript';\nexport const b = String(ts);\n",
    });
    expect(importCycles(dir)).toEqual([]);
  });
});
