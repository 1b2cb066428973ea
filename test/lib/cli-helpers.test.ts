import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as EXIT from '../../lib/exit-codes';
import { npmLoggedArgv, swallowedByNpm, swallowedMessage } from '../../lib/cli/npm-swallowed';
import { closest, editDistance, unknownMessage } from '../../lib/cli/suggest';

const OPTIONS = {
  long: ['--dry-run', '--from', '--auto-approve', '--verbose', '--yes'],
  valued: ['--from'],
};
const npmRun = (extra: Record<string, string>) => ({
  npm_command: 'run',
  npm_lifecycle_event: 'pipeline',
  npm_config_yes: '',
  npm_config_loglevel: 'silent',
  ...extra,
});

describe('flags swallowed by npm', () => {
  test('npm run pipeline stage --dry-run: refused, with the command lines that work', () => {
    const found = swallowedByNpm(npmRun({ npm_config_dry_run: 'true' }), ['stage'], OPTIONS)!;
    expect(found).toEqual({
      flags: ['--dry-run'],
      script: 'pipeline',
      source: 'env',
      intended: ['stage', '--dry-run'],
    });
    expect(swallowedMessage(found, 'docker-hosts')).toBe(
      'error: npm took --dry-run for itself (without "--" the options after "npm run pipeline" are npm\'s), so nothing was run: use npx docker-hosts stage --dry-run (or npm run pipeline -- stage --dry-run) (if npm_config_* is set on purpose, e.g. in .npmrc, use npx)',
    );
  });

  test('values, npm-own names, and a value npm passed on as an argument', () => {
    expect(
      swallowedByNpm(npmRun({ npm_config_from: 'deploy' }), ['up', 'stage'], OPTIONS)?.intended,
    ).toEqual(['up', 'stage', '--from=deploy']);
    expect(
      swallowedByNpm(npmRun({ npm_config_loglevel: 'verbose' }), ['stage'], OPTIONS)?.flags,
    ).toEqual(['--verbose']);
    const guessed = swallowedByNpm(
      npmRun({ npm_config_from: 'true' }),
      ['up', 'stage', 'deploy'],
      OPTIONS,
    )!;
    expect(guessed.intended).toBeUndefined();
    expect(swallowedMessage(guessed, 'docker-hosts')).toContain(
      'use npx docker-hosts <the same arguments> (or npm run pipeline -- <the same arguments>)',
    );
  });

  test('nothing to say: with --, outside npm run, and for npm defaults', () => {
    expect(
      swallowedByNpm(npmRun({ npm_config_dry_run: 'true' }), ['stage', '--dry-run'], OPTIONS),
    ).toBeUndefined();
    expect(swallowedByNpm({ npm_config_dry_run: 'true' }, ['stage'], OPTIONS)).toBeUndefined();
    expect(
      swallowedByNpm(
        { ...npmRun({ npm_config_auto_approve: 'true' }), npm_command: 'exec' },
        ['stage'],
        OPTIONS,
      ),
    ).toBeUndefined();
    expect(swallowedByNpm(npmRun({}), ['stage'], OPTIONS)).toBeUndefined();
  });

  test.each<[string[], string[], string[] | undefined]>([
    // What npm logs for `npm run pipeline stage --only check -n` (npm rejects --only check; -n is its --no-yes).
    [
      ['run', 'pipeline', 'stage', '--only', 'check', '--no-yes'],
      ['--only check', '-n'],
      ['stage', '--only', 'check', '-n'],
    ],
    [
      ['run', '--loglevel', 'silent', 'pipeline', 'up', 'stage', '--from', 'deploy'],
      ['--from'],
      ['up', 'stage', '--from', 'deploy'],
    ],
    [['run', 'pipeline', 'stage', '--loglevel', 'verbose'], ['--verbose'], ['stage', '--verbose']],
    [['run', 'pipeline', 'logs', 'stage', '--force'], ['--force'], undefined],
  ])("from npm's log %j: npm took %j", (logged, flags, intended) => {
    const own = logged
      .slice(logged.indexOf('pipeline') + 1)
      .filter((t) => !t.startsWith('-') && t !== 'check');
    const found = swallowedByNpm(npmRun({}), own, OPTIONS, logged);
    expect([found?.flags, found?.intended, found?.source]).toEqual([flags, intended, 'log']);
  });

  test('from npm\'s log: with "--", or npm\'s own -s, nothing was taken (and the environment is not consulted)', () => {
    const own = ['env', 'stage', '-n'];
    expect(
      swallowedByNpm(npmRun({}), own, OPTIONS, ['run', 'pipeline', '--', 'env', 'stage', '-n']),
    ).toBeUndefined();
    const silent = ['run', 'pipeline', 'env', 'stage', '--loglevel', 'silent'];
    expect(
      swallowedByNpm(npmRun({ npm_config_dry_run: 'true' }), ['env', 'stage'], OPTIONS, silent),
    ).toBeUndefined();
  });

  test("npm's log is found by its title, among logs of other runs", () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-hosts-npm-logs-'));
    try {
      const log = (time: string, title: string, argv: string[]) =>
        writeFileSync(
          join(dir, `${time}-debug-0.log`),
          `0 verbose cli node npm\n9 verbose title ${title}\n10 verbose argv ${argv.map((a) => JSON.stringify(a)).join(' ')}\n`,
        );
      log('2026-12-06T19_54_22_342Z', 'npm run pipeline stage', [
        'run',
        'pipeline',
        'stage',
        '--only',
        'check',
      ]);
      log('2026-12-06T19_54_23_001Z', 'npm run pipeline status prod', [
        'run',
        'pipeline',
        'status',
        'prod',
      ]);
      log('2026-12-06T10_00_00_000Z', 'npm run pipeline stage', ['run', 'pipeline', 'stage']);
      const env = { npm_lifecycle_event: 'pipeline', npm_config_logs_dir: dir };
      const started = Date.parse('2026-12-06T19:54:23.500Z');
      expect(npmLoggedArgv(env, ['stage'], started)).toEqual([
        'run',
        'pipeline',
        'stage',
        '--only',
        'check',
      ]);
      // Started hours after that run: its log is not this process's.
      expect(npmLoggedArgv(env, ['stage'], started + 3 * 3600_000)).toBeUndefined();
      expect(npmLoggedArgv(env, ['plan', 'stage'], started)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('closest valid name', () => {
  test('edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'up')).toBe(2);
    expect(editDistance('plan', 'plan')).toBe(0);
    // A swap of two neighbouring characters is one edit.
    expect(editDistance('stgae', 'stage')).toBe(1);
    expect(editDistance('form', 'from')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  test.each([
    ['--dryrun', '--dry-run'],
    ['--dry-runn', '--dry-run'],
    ['--auto-aprove', '--auto-approve'],
    ['--skip', '--skip-image'],
    ['destory', 'destroy'],
    ['stauts', 'status'],
    ['--form', '--from'],
    ['stgae', 'stage'],
    ['--frobnicate', undefined],
    ['x', undefined],
  ])('%s → %s', (input, expected) => {
    const candidates = [
      '--dry-run',
      '--auto-approve',
      '--skip-image',
      '--from',
      'up',
      'destroy',
      'status',
      'plan',
      'stage',
      'prod',
    ];
    expect(closest(input, candidates)).toBe(expected);
  });

  test('the message', () => {
    expect(unknownMessage('command', 'destory', ['up', 'destroy', 'plan'])).toBe(
      'unknown command "destory" (did you mean destroy?); commands are: up, destroy, plan',
    );
    expect(unknownMessage('command', 'Deploy', ['up', 'plan'], { deploy: 'up' })).toBe(
      'unknown command "Deploy" (did you mean up?); commands are: up, plan',
    );
  });
});

test('exit codes: each one distinct, refused and interrupted among them', () => {
  const codes = Object.values(EXIT);
  expect(new Set(codes).size).toBe(codes.length);
  expect([EXIT.EXIT_REFUSED, EXIT.EXIT_INTERRUPTED]).toEqual([4, 130]);
});
