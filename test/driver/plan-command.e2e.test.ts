/** `plan <env>`: synth, then init / plan -out / show -json per stack, the change summary, nothing applied. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calls, makeSandbox, runDriver, Sandbox, testEnv, testSpec } from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';
import { planFixture } from './recorded-run';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

const planDir = () => {
  const dirs = readdirSync(join(sb.runBase, 'stage')).filter((d) => d.endsWith('-plan'));
  expect(dirs).toHaveLength(1);
  return join(sb.runBase, 'stage', dirs[0]);
};

describe('plan', () => {
  it('plans every stack up touches into saved plan files, prints the summary, and applies nothing', async () => {
    const env = testEnv(sb, { FAKE_PLAN_JSON: planFixture('google-replace') });
    const result = await runDriver(['plan', 'stage'], sb, { spec: testSpec(sb), env });
    expect(result.code).toBe(0);
    const dir = planDir();
    const recorded = calls(sb).map((c) => [c.tool, c.cwd.split('/').slice(-1)[0], ...c.args]);
    // The backend stack's local state stays the repository's backend.tfstate, whatever folder it is planned in.
    const backendState = [`-backend-config=path=${join(sb.root, 'backend.tfstate')}`];
    const terraform = (stack: string) => [
      [
        'terraform',
        stack,
        'init',
        '-input=false',
        '-no-color',
        ...(stack === 'backend' ? backendState : []),
      ],
      [
        'terraform',
        stack,
        'plan',
        '-input=false',
        '-no-color',
        '-lock-timeout=60s',
        `-out=${dir}/${stack}.tfplan`,
      ],
      ['terraform', stack, 'show', '-json', '-no-color', `${dir}/${stack}.tfplan`],
    ];
    expect(recorded).toEqual([
      ['cdktf', 'repo', 'synth', '--output', join(dir, 'cdktf.out')],
      ...terraform('backend'),
      ...terraform('registry'),
      ...terraform('stage'),
      // What the saved plans were made from (saved-plans.json): each stack's state serial and lineage.
      ...['backend', 'registry', 'stage'].map((stack) => ['terraform', stack, 'state', 'pull']),
    ]);
    expect(recorded.some(([, , verb]) => verb === 'apply' || verb === 'deploy')).toBe(false);
    expect(readFileSync(join(dir, 'stage.tfplan'), 'utf8')).toBe('plan of stage\n');
    // The replaced host stands out, with what goes with it.
    expect(result.out).toContain('stage: 0 to add, 0 to change, 2 to replace, 0 to destroy');
    expect(result.out).toContain('REPLACE: zone cannot change in place');
    expect(result.out).toMatch(/google_compute_instance\.fleet_docker-host-001/);
    expect(result.out).toMatch(/disk and (its )?Docker state/i);
    expect(result.err).toContain('changes pending');
    expect(result.err).toContain('(nothing was applied)');
    // Every terraform call ran in the plan's own folder; its lock (the environment's) is released, no other was taken.
    expect(
      calls(sb).every((c) => c.tool !== 'terraform' || c.cwd.startsWith(join(dir, 'cdktf.out'))),
    ).toBe(true);
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
    expect(existsSync(join(sb.root, '.run', 'cdktf.lock'))).toBe(false);
  });

  it('no changes says so; a stack whose state bucket does not exist yet is named, not planned', async () => {
    const env = testEnv(sb, { FAKE_TF_NO_BUCKET: 'stage' });
    const result = await runDriver(['plan', 'stage'], sb, { spec: testSpec(sb), env });
    expect(result.code).toBe(0);
    expect(result.out).toContain('backend: no changes');
    expect(result.out).toMatch(
      /stage: not planned \(terraform init failed: .*bucket doesn't exist\)/,
    );
    expect(result.err).toContain('no changes; plan files in');
    expect(
      calls(sb)
        .filter((c) => c.args[0] === 'plan')
        .map((c) => c.cwd.split('/').pop()),
    ).toEqual(['backend', 'registry']);
  });

  it('--json prints the summaries; a plan that fails is one error with its tail, exit 1', async () => {
    const env = testEnv(sb, { FAKE_PLAN_JSON: planFixture('google-create') });
    const json = await runDriver(['plan', 'stage', '--json'], sb, { spec: testSpec(sb), env });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { stack: string; counts: { add: number } }[];
    expect(parsed.map((s) => s.stack)).toEqual(['backend', 'registry', 'stage']);
    expect(parsed[2].counts.add).toBeGreaterThan(0);

    const failing = testEnv(sb, { FAKE_FAIL: 'terraform plan' });
    const failed = await runDriver(['plan', 'stage'], sb, { spec: testSpec(sb), env: failing });
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(
      /error: plan of stage failed: terraform plan .* \(exit 3\)\n {2}\| /,
    );
  });

  it('up --plan applies the saved files as processes; a state moved since: exit 5, plan again, nothing applied', async () => {
    const env = testEnv(sb, { FAKE_PLAN_JSON: planFixture('google-create') });
    const planned = await runDriver(['plan', 'stage', '--detailed-exitcode'], sb, {
      spec: testSpec(sb),
      env,
    });
    expect(planned.code).toBe(2);
    const dir = planDir();
    const argv = ['up', 'stage', '--only', 'deploy', '--auto-approve', '--plan', dir];
    const moved = testEnv(sb, {
      FAKE_PLAN_JSON: planFixture('google-create'),
      FAKE_TF_SERIAL: '2',
    });
    const stale = await runDriver(argv, sb, { spec: testSpec(sb), env: moved });
    expect(stale.code).toBe(5);
    expect(stale.err).toContain('stage: the state changed since the plan (serial 1 → 2)');
    expect(calls(sb).some((c) => c.args[0] === 'apply')).toBe(false);

    const result = await runDriver(argv, sb, { spec: testSpec(sb), env });
    expect(result.code).toBe(0);
    const applies = calls(sb).filter((c) => c.args[0] === 'apply');
    expect(applies.map((c) => c.cwd.split('/').pop())).toEqual(['stage']);
    expect(readFileSync(applies[0].args.at(-1)!, 'utf8')).toBe('plan of stage\n');
    expect(applies[0].args.at(-1)).not.toContain(dir);
  });

  it('an unknown plan option suggests the closest and runs nothing', async () => {
    const result = await runDriver(['plan', 'stage', '--mardown'], sb, { spec: testSpec(sb) });
    expect(result.code).toBe(2);
    expect(result.err).toContain('unknown option "--mardown" (did you mean --markdown?)');
    expect(calls(sb)).toEqual([]);
  });
});
