import { argsFor, checkEnvironment, parseArgs, resumeCommand, UsageError } from '../../driver/args';
import { helpText } from '../../driver/usage';
import { makeSandbox, runDriver, Sandbox } from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ENVS = ['stage', 'prod'];

describe('argsFor: each command its own typed options', () => {
  it("gives a command its options, typed, and nothing of another command's", () => {
    const plan = argsFor(
      parseArgs(['plan', 'stage', '--json', '--replace', 'docker-host-001']),
      'plan',
    );
    const checked: { json: boolean; markdown: boolean; replace?: string } = plan;
    expect(checked).toMatchObject({ json: true, markdown: false, replace: 'docker-host-001' });
    // @ts-expect-error logs' --follow is not one of plan's options
    expect(plan.follow).toBe(false);
    const logs = argsFor(parseArgs(['logs', 'stage', '-f', '--since', '10m']), 'logs');
    expect([logs.follow, logs.since]).toEqual([true, '10m']);
    // @ts-expect-error plan's --markdown is not one of logs' options
    expect(logs.markdown).toBe(false);
  });

  it("refuses a command's arguments asked of another command's run: a bug of the driver", () => {
    expect(() => argsFor(parseArgs(['plan', 'stage']), 'up')).toThrow(
      'internal: the arguments of up asked of a plan run',
    );
  });

  it('refuses an option of another command in one line, naming the commands it applies to', () => {
    expect(() => parseArgs(['logs', 'stage', '--markdown'])).toThrow(
      new UsageError('option --markdown applies to plan, not to logs'),
    );
  });
});

describe('parseArgs', () => {
  it('up is the default command', () => {
    expect(parseArgs(['stage'])).toMatchObject({
      command: 'up',
      environment: 'stage',
      dryRun: false,
    });
    expect(parseArgs(['up', 'prod', '--dry-run'])).toMatchObject({
      command: 'up',
      environment: 'prod',
      dryRun: true,
    });
  });

  it('takes --opt value, --opt=value and short aliases', () => {
    expect(parseArgs(['stage', '--from', 'deploy'])).toMatchObject({ from: 'deploy' });
    expect(parseArgs(['stage', '--only=hosts', '-v', '-n'])).toMatchObject({
      only: 'hosts',
      verbose: true,
      dryRun: true,
    });
    expect(parseArgs(['destroy', 'stage', '-y'])).toMatchObject({ command: 'destroy', yes: true });
    expect(parseArgs(['env', 'stage', 'docker-host-002'])).toMatchObject({
      command: 'env',
      host: 'docker-host-002',
    });
    expect(parseArgs(['stage', '--check-timeout', '30'])).toMatchObject({
      checkTimeoutSeconds: 30,
    });
  });

  it.each([
    [
      ['stage', '--forse'],
      'unknown option "--forse" (did you mean --force?); options are: --dry-run',
    ],
    [['stage', '--force'], 'option --force applies to lock, not to up'],
    [
      ['stage', '--constructor'],
      'unknown option "--constructor"; options are: --dry-run, --from, --only',
    ],
    [
      ['stage', '--from', 'deplo'],
      'unknown step "deplo" for --from (did you mean deploy?); up steps are: preflight, packer-init, image, backend',
    ],
    [
      ['stage', '--dryrun'],
      'unknown option "--dryrun" (did you mean --dry-run?); options are: --dry-run, --from',
    ],
    [
      ['stauts', 'stage'],
      'unknown command "stauts" (did you mean status?); commands are: up, destroy, plan, env, status',
    ],
    [
      ['destroy', 'stage', '--only', 'image'],
      'unknown step "image" for --only; destroy steps are: preflight, destroy',
    ],
    [['stage', '--from'], 'option --from needs a value: --from <step>'],
    [['stage', '--from', 'deploy', '--only', 'hosts'], '--from and --only exclude each other'],
    [
      ['stage', '--skip-image', '--build-image'],
      '--skip-image and --build-image exclude each other',
    ],
    [['stage', '--yes'], 'option --yes applies to destroy, not to up'],
    [
      ['status', 'stage', '--dry-run'],
      'option --dry-run applies to up, destroy, build, push, rollback, prune, accessory, not to status',
    ],
    [['stage', 'prod'], 'unknown command "stage"; commands are: up, destroy, plan, env, status'],
    [['up', 'stage', 'prod'], 'unexpected argument "prod"'],
    [
      ['stage', '--check-timeout', 'soon'],
      '--check-timeout must be a number of seconds from 1 to 3600 (got "soon")',
    ],
    [
      ['stage', '--check-timeout', '0.5'],
      '--check-timeout must be a number of seconds from 1 to 3600 (got "0.5")',
    ],
    [
      ['stage', '--check-timeout', '3600.5'],
      '--check-timeout must be a number of seconds from 1 to 3600 (got "3600.5")',
    ],
    [['stage', '--dry-run=yes'], 'option --dry-run takes no value'],
    [
      ['lock', 'stage'],
      'lock needs an action: npx docker-hosts lock status|release|acquire <env> (got "stage")',
    ],
    [['lock', 'release', 'stage', '--yes'], 'option --yes applies to destroy, not to lock'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('checks the environment against the config', () => {
    expect(checkEnvironment(parseArgs(['prod']), ENVS)).toBe('prod');
    expect(() => checkEnvironment(parseArgs(['prd']), ENVS)).toThrow(
      'unknown environment "prd" (did you mean prod?); environments are: stage, prod',
    );
    expect(() => checkEnvironment(parseArgs(['qa']), ENVS)).toThrow(
      'unknown environment "qa"; environments are: stage, prod',
    );
    expect(() => checkEnvironment(parseArgs([]), ENVS)).toThrow('up needs an environment');
    expect(() => checkEnvironment(parseArgs(['status']), ENVS)).toThrow(
      'status needs an environment',
    );
    expect(() => checkEnvironment(parseArgs(['lock', 'status']), ENVS)).toThrow(
      'lock needs an environment: npx docker-hosts lock status <env>',
    );
  });

  it('the resume line keeps what matters', () => {
    expect(resumeCommand(parseArgs(['stage', '--skip-image', '-v']), 'stage', 'hosts')).toBe(
      'npx docker-hosts up stage --from hosts --skip-image',
    );
    expect(resumeCommand(parseArgs(['stage', '--only', 'hosts']), 'stage', 'hosts')).toBe(
      'npx docker-hosts up stage --only hosts',
    );
    expect(resumeCommand(parseArgs(['destroy', 'prod', '--yes']), 'prod', 'destroy')).toBe(
      'npx docker-hosts destroy prod --from destroy --yes',
    );
  });

  it('help names the commands, environments, steps and every option', () => {
    const help = helpText(ENVS);
    for (const word of [
      'up <env>',
      'destroy <env>',
      'env <env> [host]',
      'status <env>',
      'environments: stage, prod',
    ]) {
      expect(help).toContain(word);
    }
    for (const option of [
      '--dry-run',
      '--from <step>',
      '--only <step>',
      '--skip-image',
      '--yes',
      '--help',
    ]) {
      expect(help).toContain(option);
    }
  });
});

describe('usage errors exit 2 and name the allowed values', () => {
  let sb: Sandbox;
  beforeAll(() => (sb = makeSandbox()));
  afterAll(() => sb.cleanup());

  it.each([
    [['up', 'qa'], 'error: unknown environment "qa"; environments are: stage, prod'],
    [
      ['stage', '--from', 'nope'],
      'error: unknown step "nope" for --from; up steps are: preflight, packer-init, image',
    ],
    [['stage', '--bogus'], 'error: unknown option "--bogus"'],
    [
      ['frobnicate', 'stage'],
      'error: unknown command "frobnicate"; commands are: up, destroy, plan, env, status',
    ],
  ])('%j', async (argv, message) => {
    const result = await runDriver(argv, sb);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('see: npx docker-hosts --help');
    expect(result.out).toBe('');
  });

  it('--help exits 0', async () => {
    const result = await runDriver(['--help'], sb);
    expect(result.code).toBe(0);
    expect(result.out).toContain('usage: npx docker-hosts [command] <env> [options]');
  });
});
