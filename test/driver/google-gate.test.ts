/**
 * Traps of a first day: the shipped placeholders (project, OS Login user) and a missing login are refused by every
 * command that talks to Google, named first with their fix, before anything runs (no cdktf, no terraform init, no
 * ssh): the fake tools record every call, and none is made.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentSpec } from '../../config';
import { checkPrerequisites, PreflightInput } from '../../driver/preflight';
import { calls, makeSandbox, PUBLIC_KEY, runDriver, Sandbox, testEnv, testSpec } from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

const ADC_FIX =
  '    fix: run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a key file)';
const GCLOUD_FIX =
  '    fix: run `gcloud auth login` (a service account: `gcloud auth activate-service-account --key-file <key.json>`)';

/** stderr's problem lines, without their indentation. */
const problems = (err: string) =>
  err
    .split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.slice(2));

/** The environments reached through IAP, as the shipped ones are. */
const viaIap = (): Partial<EnvironmentSpec> => ({
  sshSourceRanges: ['35.235.240.0/20'],
  ssh: {
    user: 'deploy',
    publicKeys: [PUBLIC_KEY],
    privateKeyFile: sb.privateKey,
    connectVia: 'iap',
  },
});

describe('placeholders', () => {
  test.each([['plan'], ['status'], ['env'], ['logs'], ['releases']])(
    '%s stage with the placeholder project: refused before any tool runs',
    async (command) => {
      const result = await runDriver([command, 'stage'], sb, {
        spec: testSpec(sb, 9292, { projectId: undefined }),
      });
      expect(result.code).toBe(1);
      expect(result.err).toContain(`error: ${command} stage talks to Google Cloud: 1 of `);
      expect(problems(result.err)).toEqual([
        '✗ GCP project: none set for "stage" (only the synth placeholder "example-project-change-me")',
        '    fix: set projectId for "stage" in config/environments.ts (committed: synth reads no environment variable)',
      ]);
      expect(calls(sb)).toEqual([]);
    },
  );

  test('up with the placeholder OS Login user: refused before the plans, the whole preflight listed', async () => {
    writeFileSync(`${sb.privateKey}.pub`, `${PUBLIC_KEY}\n`);
    const spec = testSpec(sb, 9292, {
      ssh: { osLogin: true, user: 'ops_example_com', privateKeyFile: sb.privateKey },
    });
    const result = await runDriver(['up', 'stage'], sb, { spec });
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'preflight: 1 of 12 prerequisites is missing (before any plan: nothing was run)',
    );
    expect(problems(result.err)).toEqual([
      '✗ OS Login user: ssh.user of "stage" is the placeholder "ops_example_com"',
      '    fix: set ssh.user for "stage" in config/environments.ts to your OS Login POSIX name ' +
        "(`gcloud compute os-login describe-profile --format='value(posixAccounts[0].username)'` prints it)",
    ]);
    expect(calls(sb)).toEqual([]);
  });

  test('what talks to no Google service still works: lock status, and the dry run previews', async () => {
    const spec = testSpec(sb, 9292, { projectId: undefined });
    expect((await runDriver(['lock', 'status', 'stage'], sb, { spec })).code).toBe(0);
    const dry = await runDriver(['up', 'stage', '--dry-run'], sb, { spec });
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run: nothing runs');
    expect(calls(sb)).toEqual([]);
  });
});

describe('a missing login is named first, with its fix', () => {
  test('status stage without Application Default Credentials: no `cdktf output`, the cause and its fix', async () => {
    const env = testEnv(sb, { GOOGLE_APPLICATION_CREDENTIALS: undefined });
    const result = await runDriver(['status', 'stage'], sb, { env });
    expect(result.code).toBe(1);
    expect(result.err.split('\n').slice(0, 3)).toEqual([
      'error: status stage talks to Google Cloud: 1 of 2 prerequisites is missing; nothing was run',
      `  ✗ credentials: no Application Default Credentials (${join(sb.home, '.config', 'gcloud', 'application_default_credentials.json')})`,
      `  ${ADC_FIX}`,
    ]);
    expect(result.err).not.toContain('has "npx docker-hosts up stage" run?');
    expect(calls(sb)).toEqual([]);
  });

  test('logs stage through IAP with no gcloud account: `gcloud auth login` first, then the placeholder', async () => {
    const spec = testSpec(sb, 9292, { projectId: undefined, ...viaIap() });
    const result = await runDriver(['logs', 'stage'], sb, { spec });
    expect(result.code).toBe(1);
    expect(problems(result.err)).toEqual([
      '✗ gcloud login: none (`gcloud auth list` shows no active account), and SSH through IAP runs gcloud as you',
      GCLOUD_FIX,
      '✗ GCP project: none set for "stage" (only the synth placeholder "example-project-change-me")',
      '    fix: set projectId for "stage" in config/environments.ts (committed: synth reads no environment variable)',
    ]);
    expect(calls(sb)).toEqual([]);
  });

  test("gcloud's active configuration with an account lets the IAP command through", async () => {
    const gcloud = join(sb.home, '.config', 'gcloud');
    mkdirSync(join(gcloud, 'configurations'), { recursive: true });
    writeFileSync(join(gcloud, 'active_config'), 'work\n');
    writeFileSync(
      join(gcloud, 'configurations', 'config_default'),
      '[core]\naccount = someone@example.com\n',
    );
    const spec = testSpec(sb, 9292, viaIap());
    const noAccount = await runDriver(['logs', 'stage'], sb, { spec });
    expect(noAccount.code).toBe(1);
    writeFileSync(
      join(gcloud, 'configurations', 'config_work'),
      '[core]\nproject = p\naccount = ops@example.com\n',
    );
    const result = await runDriver(['logs', 'stage'], sb, { spec });
    expect(result.err).not.toContain('gcloud login');
    expect(result.code).toBe(0);
    expect(calls(sb).map((c) => c.tool)).toEqual(['cdktf', 'ssh', 'ssh']);
  });

  test('up without credentials: named first in the preflight list, before any plan', async () => {
    const env = testEnv(sb, { GOOGLE_APPLICATION_CREDENTIALS: undefined });
    const result = await runDriver(['up', 'stage'], sb, { env });
    expect(result.code).toBe(1);
    expect(problems(result.err).slice(0, 2)).toEqual([
      `✗ credentials: no Application Default Credentials (${join(sb.home, '.config', 'gcloud', 'application_default_credentials.json')})`,
      ADC_FIX,
    ]);
    expect(calls(sb)).toEqual([]);
  });
});

test('preflight: gcloud found but no account is missing, with `gcloud auth login`; an account passes', async () => {
  const bin = join(sb.dir, 'gcloud-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'gcloud'), '#!/bin/sh\necho "Google Cloud SDK 500.0.0"\n', {
    mode: 0o755,
  });
  const input: PreflightInput = {
    requirements: ['gcloud'],
    files: [],
    root: sb.root,
    home: sb.home,
    cdktf: 'cdktf',
    env: { PATH: bin },
    config: { ok: false, error: 'not used' },
    probe: async () => 'Google Cloud SDK 500.0.0',
  };
  expect(await checkPrerequisites(input)).toEqual([
    {
      requirement: 'gcloud',
      ok: false,
      summary:
        'gcloud login: none (`gcloud auth list` shows no active account), and SSH through IAP runs gcloud as you',
      fix: GCLOUD_FIX.trim().slice('fix: '.length),
    },
  ]);
  const logged = await checkPrerequisites({
    ...input,
    env: { PATH: bin, CLOUDSDK_CORE_ACCOUNT: 'ops@example.com' },
  });
  expect(logged).toEqual([
    { requirement: 'gcloud', ok: true, summary: 'gcloud 500.0.0, gcloud login: ops@example.com' },
  ]);
});

describe('a login Google refuses is the cause named first, not "has up run?"', () => {
  test('status --refresh whose `cdktf output` is refused for expired credentials', async () => {
    const env = testEnv(sb, {
      FAKE_FAIL: 'cdktf output',
      FAKE_FAIL_OUTPUT:
        'Error: oauth2: "invalid_grant" "reauth related error (invalid_rapt)": Reauthentication is needed. Please run `gcloud auth application-default login` to reauthenticate.',
    });
    const result = await runDriver(['status', 'stage', '--refresh'], sb, { env });
    expect(result.code).toBe(1);
    expect(result.err.split('\n')[1]).toBe(
      "error: could not read stage's outputs (exit code 3): the Application Default Credentials have expired or were " +
        'revoked (Google: invalid_grant / reauthentication); fix: ' +
        ADC_FIX.trim().slice('fix: '.length),
    );
    expect(result.err).not.toContain('run?');
  });

  test('plan whose `terraform init` finds no credentials: the cause and its fix, then the command', async () => {
    const env = testEnv(sb, {
      FAKE_FAIL: 'terraform init',
      FAKE_FAIL_OUTPUT:
        'Error: Failed to get existing workspaces: querying Cloud Storage failed: dialing: google: could not find default credentials. See https://cloud.google.com/docs/authentication/external/set-up-adc for more information',
    });
    const result = await runDriver(['plan', 'stage'], sb, { env });
    expect(result.code).toBe(1);
    const error = result.err
      .split('\n')
      .findIndex((l) => l.startsWith('error: plan of stage failed'));
    expect(result.err.split('\n').slice(error, error + 2)).toEqual([
      'error: plan of stage failed: no Application Default Credentials (Google: "could not find default credentials"); fix: ' +
        ADC_FIX.trim().slice('fix: '.length),
      expect.stringMatching(/^ {2}command: terraform init /),
    ]);
  });
});
