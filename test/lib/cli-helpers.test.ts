import * as EXIT from '../../lib/exit-codes';
import { swallowedByNpm, swallowedMessage } from '../../lib/cli/npm-swallowed';
import { closest, editDistance, unknownMessage } from '../../lib/cli/suggest';

const OPTIONS = { long: ['--dry-run', '--from', '--auto-approve', '--verbose', '--yes'], valued: ['--from'] };
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
    expect(found).toEqual({ flags: ['--dry-run'], script: 'pipeline', intended: ['stage', '--dry-run'] });
    expect(swallowedMessage(found, 'docker-hosts').slice(0, 3)).toEqual([
      'error: npm took --dry-run for itself: without "--", npm reads the options after "npm run pipeline" as its own, and this command never saw them. Nothing was run.',
      'run instead:  npx docker-hosts stage --dry-run',
      '         or:  npm run pipeline -- stage --dry-run',
    ]);
  });

  test('values, npm-own names, and a value npm passed on as an argument', () => {
    expect(swallowedByNpm(npmRun({ npm_config_from: 'deploy' }), ['up', 'stage'], OPTIONS)?.intended).toEqual([
      'up',
      'stage',
      '--from=deploy',
    ]);
    expect(swallowedByNpm(npmRun({ npm_config_loglevel: 'verbose' }), ['stage'], OPTIONS)?.flags).toEqual([
      '--verbose',
    ]);
    const guessed = swallowedByNpm(npmRun({ npm_config_from: 'true' }), ['up', 'stage', 'deploy'], OPTIONS)!;
    expect(guessed.intended).toBeUndefined();
    expect(swallowedMessage(guessed, 'docker-hosts').slice(1, 3)).toEqual([
      'run instead:  npx docker-hosts <the same arguments>',
      '         or:  npm run pipeline -- <the same arguments>',
    ]);
  });

  test('nothing to say: with --, outside npm run, and for npm defaults', () => {
    expect(swallowedByNpm(npmRun({ npm_config_dry_run: 'true' }), ['stage', '--dry-run'], OPTIONS)).toBeUndefined();
    expect(swallowedByNpm({ npm_config_dry_run: 'true' }, ['stage'], OPTIONS)).toBeUndefined();
    expect(
      swallowedByNpm({ ...npmRun({ npm_config_auto_approve: 'true' }), npm_command: 'exec' }, ['stage'], OPTIONS),
    ).toBeUndefined();
    expect(swallowedByNpm(npmRun({}), ['stage'], OPTIONS)).toBeUndefined();
  });
});

describe('closest valid name', () => {
  test('edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'up')).toBe(2);
    expect(editDistance('plan', 'plan')).toBe(0);
  });

  test.each([
    ['--dryrun', '--dry-run'],
    ['--dry-runn', '--dry-run'],
    ['--auto-aprove', '--auto-approve'],
    ['--skip', '--skip-image'],
    ['destory', 'destroy'],
    ['stauts', 'status'],
    ['--frobnicate', undefined],
    ['x', undefined],
  ])('%s → %s', (input, expected) => {
    const candidates = ['--dry-run', '--auto-approve', '--skip-image', '--from', 'up', 'destroy', 'status', 'plan'];
    expect(closest(input, candidates)).toBe(expected);
  });

  test('the message', () => {
    expect(unknownMessage('command', 'destory', ['up', 'destroy', 'plan'])).toBe(
      'unknown command "destory" (did you mean destroy?); commands are: up, destroy, plan',
    );
  });
});

test('exit codes: each one distinct, refused and interrupted among them', () => {
  const codes = Object.values(EXIT);
  expect(new Set(codes).size).toBe(codes.length);
  expect([EXIT.EXIT_REFUSED, EXIT.EXIT_INTERRUPTED]).toEqual([4, 130]);
});
