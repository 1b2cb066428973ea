/**
 * The layer rules of eslint.config.mjs, on text linted as if it were a file of each folder: an upward import, a
 * project import from lib/ and node:child_process outside the executor fail; the allowed ones pass. ESLint loads
 * its flat config with a dynamic import, which jest's module system does not run: one node process lints them all.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

const FAILING = [
  ['lib/x.ts', "export { EXIT_OK } from './exit-codes';\n", 'lib/ holds leaves'],
  ['config/x.ts', "export type { HostOutput } from '../stacks/outputs';\n", 'config/ is below'],
  ['review/plan/x.ts', "export { envDir } from '../../driver/paths';\n", 'review/ is below driver'],
  ['stacks/x.ts', "export { envDir } from '../driver/paths';\n", 'stacks/ is below'],
  ['driver/commands/x.ts', "export { spawn } from 'node:child_process';\n", 'driver/exec/'],
] as const;
const PASSING = [
  ['config/x.ts', "export { BACKEND_STACK } from '../lib/constants';\n"],
  [
    'review/x.ts',
    "export { flatten } from '../lib/flatten';\nexport { RULES } from '../policies/rules';\n",
  ],
  ['driver/x.ts', "export { summarizePlan } from '../review/plan/summary';\n"],
  ['driver/exec/x.ts', "export { spawn } from 'node:child_process';\n"],
] as const;

/** The no-restricted-imports messages of each [path, code], linted by ESLint's API in one process. */
function restricted(cases: readonly (readonly [string, string, ...string[]])[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    (async () => {
      const out = [];
      for (const [path, code] of cases) {
        const [result] = await eslint.lintText(code, { filePath: require('path').resolve(path) });
        out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const json = execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(json) as string[][];
}

test('an upward import, a project import from lib/, child_process outside the executor: refused, naming the rule', () => {
  const messages = restricted(FAILING);
  FAILING.forEach(([, , message], i) => expect(messages[i].join('\n')).toContain(message));
});

test('imports of lower layers, and child_process in driver/exec/: allowed', () => {
  expect(restricted(PASSING)).toEqual(PASSING.map(() => []));
});
