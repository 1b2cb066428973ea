/** The driver's own inputs: run folders it cannot write, relative run folders, and failing steps' huge output. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanTail } from '../../driver/runner/log';
import { MAX_TAIL_BYTES, MAX_TAIL_LINE_BYTES } from '../../lib/bounded-tail';
import { makeSandbox, runDriver, Sandbox, testEnv, testSpec } from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

describe('run and lock folders', () => {
  it('an unwritable run folder: one line naming it, exit 1, no stack trace', async () => {
    const file = join(sb.dir, 'not-a-folder');
    writeFileSync(file, '');
    const result = await runDriver(['up', 'stage', '--skip-image'], sb, {
      env: testEnv(sb, { DOCKER_HOSTS_RUN_DIR: join(file, 'run') }),
    });
    expect(result.code).toBe(1);
    expect(result.err.trim().split('\n')).toEqual([
      `error: cannot create the folder ${join(file, 'run', 'stage')}: a part of the path is a file, not a folder (runs write under DOCKER_HOSTS_RUN_DIR, default .run/)`,
    ]);
  });

  it('a relative DOCKER_HOSTS_RUN_DIR is taken from where the driver was started', async () => {
    const cwd = process.cwd();
    process.chdir(sb.dir);
    try {
      const result = await runDriver(['up', 'stage', '--dry-run'], sb, {
        env: testEnv(sb, { DOCKER_HOSTS_RUN_DIR: 'relative-runs' }),
      });
      expect(result.code).toBe(0);
      expect(result.out).toContain(join(sb.dir, 'relative-runs', 'stage'));
      expect(result.out).not.toMatch(/(^|[\s=])relative-runs\//m);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("a failing step's tail", () => {
  it('is bounded in bytes as well as lines', () => {
    const huge = `${'{"k":"v"},'.repeat(100_000)}\n`;
    const tail = cleanTail(`${huge}${huge}last line\n`, 20);
    expect(tail[tail.length - 1]).toBe('last line');
    expect(tail.join('\n').length).toBeLessThanOrEqual(MAX_TAIL_BYTES);
    expect(tail[0].length).toBeLessThan(MAX_TAIL_LINE_BYTES + 60);
    expect(tail[0]).toMatch(/… \(\d+ more bytes, see the log\)$/);
  });

  it('keeps as many whole recent lines as fit', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${i} ${'x'.repeat(300)}`);
    const tail = cleanTail(lines.join('\n'), 20);
    expect(tail.length).toBeLessThan(20);
    expect(tail[tail.length - 1]).toBe(lines[19]);
    expect(Buffer.byteLength(tail.join('\n'))).toBeLessThanOrEqual(MAX_TAIL_BYTES);
  });
});

describe('the config as the driver reads it', () => {
  it('a misspelt field stops the driver too, with the field meant', async () => {
    const spec = testSpec(sb);
    const [stage, ...rest] = spec.environments;
    const broken = { ...spec, environments: [{ ...stage, hostcount: 3 } as typeof stage, ...rest] };
    const result = await runDriver(['up', 'stage', '--dry-run'], sb, { spec: broken });
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'config error: environment "stage": field "hostcount" is not a known field; did you mean "hostCount"?',
    );
  });
});
