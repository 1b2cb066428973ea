/**
 * Terraform's plan contract, in process against the recording executor: `plan` records what its saved plans were
 * made from, `up --plan <run folder>` applies exactly those files once config, state, providers and Terraform still
 * match (else exit 5, one line, "plan again"), `plan --detailed-exitcode`, `--replace <host>`, `validate`, `output`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, readJson, Sandbox, sandboxAndAppEach } from './harness';
import { lastUpRun, planFixture, startRecorded } from './recorded-run';
import type { Tools } from './recording-exec';

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

const CREATE = planFixture('google-create');
const REPLACE = planFixture('google-replace');

/** Runs the driver in process with a recording executor answering for the tools. */
async function driver(
  argv: string[],
  tools: Partial<Tools> = {},
  ask?: (question: string) => Promise<string>,
) {
  const run = startRecorded(argv, sb, app, { tools, ask });
  return { ...(await run.result), lines: run.exec()?.lines() ?? [] };
}

/** The run folder `plan stage` wrote. */
function planDir(): string {
  const dirs = readdirSync(join(sb.runBase, 'stage')).filter((d) => d.endsWith('-plan'));
  expect(dirs).toHaveLength(1);
  return join(sb.runBase, 'stage', dirs[0]);
}

const lastUp = () => lastUpRun(sb);

describe('up --plan <run folder>', () => {
  it('applies exactly the saved plans (copied into its run folder), planning nothing anew', async () => {
    const planned = await driver(['plan', 'stage'], { planJson: CREATE });
    expect(planned.code).toBe(0);
    const dir = planDir();
    expect(planned.err).toContain(`apply exactly these plans: npx docker-hosts up stage --plan `);
    const manifest = readJson(join(dir, 'saved-plans.json')) as {
      stacks: { stack: string; state: { serial: number } }[];
    };
    expect(manifest.stacks.map((s) => [s.stack, s.state.serial])).toEqual([
      ['backend', 1],
      ['registry', 1],
      ['stage', 1],
    ]);

    const up = await driver(['up', 'stage', '--skip-image', '--auto-approve', '--plan', dir], {
      planJson: CREATE,
    });
    expect([up.code, up.err]).toEqual([0, '']);
    const run = lastUp();
    const verbs = up.lines.map((l) => l.split(' ').slice(0, 3).join(' '));
    expect(verbs.filter((v) => v.startsWith('terraform plan'))).toEqual([]);
    // up synthesizes into its own run folder, and applies the copies of the saved plans from there.
    expect(up.lines[0]).toBe(`cdktf synth --output ${join(run, 'cdktf.out')}`);
    expect(verbs.slice(0, 7)).toEqual([
      'cdktf synth --output',
      'terraform init -input=false',
      'terraform state pull',
      'terraform init -input=false',
      'terraform state pull',
      'terraform init -input=false',
      'terraform state pull',
    ]);
    const applied = up.lines.filter((l) => l.startsWith('terraform apply'));
    expect(applied.map((l) => l.split(' ').at(-1))).toEqual(
      ['backend', 'registry', 'stage'].map((s) => join(run, `${s}.tfplan`)),
    );
    for (const s of ['backend', 'registry', 'stage'])
      expect(readFileSync(join(run, `${s}.tfplan`))).toEqual(
        readFileSync(join(dir, `${s}.tfplan`)),
      );
    // The summary is shown again from the saved plans.
    expect(up.out).toMatch(/Changes to stage[\s\S]*stage: \d+ to add/);
  });

  it.each([
    [
      'the config changed',
      { configEdit: 'one more host' },
      /stage: the synthesized config changed/,
    ],
    ['a state moved', { serial: 2 }, /stage: the state changed since the plan \(serial 1 → 2\)/],
    [
      'Terraform is another version',
      { terraformVersion: '1.10.0' },
      /Terraform is 1\.10\.0, the plan was made by 1\.9\.8/,
    ],
  ])('stale when %s: one line, exit 5, nothing applied', async (_why, change, message) => {
    await driver(['plan', 'stage'], { planJson: CREATE });
    const up = await driver(
      ['up', 'stage', '--skip-image', '--auto-approve', '--plan', planDir()],
      {
        planJson: CREATE,
        ...change,
      },
    );
    expect(up.code).toBe(5);
    expect(up.err).toMatch(message);
    expect(up.err).toMatch(
      /^error: the saved plans in .* are stale \(.*\): nothing was applied; plan again: npx docker-hosts plan stage\n$/,
    );
    expect(up.lines.filter((l) => / (apply|show) /.test(l))).toEqual([]);
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
  });

  it('a plan file changed since, a folder plan did not write, or the plans of another environment: refused', async () => {
    await driver(['plan', 'stage'], { planJson: CREATE });
    const dir = planDir();
    writeFileSync(join(dir, 'registry.tfplan'), 'another plan\n');
    const swapped = await driver(['up', 'stage', '--auto-approve', '--plan', dir]);
    expect(swapped.code).toBe(5);
    expect(swapped.err).toContain('registry: the plan file is not the one recorded');

    const notPlan = await driver(['up', 'stage', '--auto-approve', '--plan', sb.home]);
    expect(notPlan.code).toBe(5);
    expect(notPlan.err).toContain(
      'has no saved-plans.json: it is not a run folder of "plan stage"',
    );

    const prod = await driver(['up', 'prod', '--auto-approve', '--plan', dir]);
    expect(prod.code).toBe(5);
    expect(prod.err).toContain('holds plans of stage, not of prod');
  });

  it('the approval still applies: without a terminal and --auto-approve, the summary and exit 4', async () => {
    await driver(['plan', 'stage'], { planJson: CREATE });
    const up = await driver(['up', 'stage', '--skip-image', '--plan', planDir()], {
      planJson: CREATE,
    });
    expect(up.code).toBe(4);
    expect(up.out).toMatch(/Changes to stage[\s\S]*stage: \d+ to add/);
    expect(up.lines.filter((l) => l.startsWith('terraform apply'))).toEqual([]);
  });

  it('--plan with --replace is refused: the replacement belongs to the plan', async () => {
    const up = await driver(['up', 'stage', '--plan', 'x', '--replace', 'docker-host-001']);
    expect(up.code).toBe(2);
    expect(up.err).toContain('give --replace to plan');
    expect(up.lines).toEqual([]);
  });
});

describe('plan --detailed-exitcode', () => {
  it('0 no changes, 2 changes, 1 a failure or bad usage; without it, changes are 0', async () => {
    expect((await driver(['plan', 'stage', '--detailed-exitcode'])).code).toBe(0);
    const changes = await driver(['plan', 'stage', '--detailed-exitcode'], { planJson: CREATE });
    expect(changes.code).toBe(2);
    expect((await driver(['plan', 'stage'], { planJson: CREATE })).code).toBe(0);
    const failed = await driver(['plan', 'stage', '--detailed-exitcode'], {
      fail: 'terraform plan',
    });
    expect(failed.code).toBe(1);
    expect((await driver(['plan', 'stage', '--detailed-exitcode', '--mardown'])).code).toBe(1);
  });
});

describe('--replace <host>', () => {
  it("plan passes Terraform's -replace for that host's instance, in the environment's stack only", async () => {
    const result = await driver(['plan', 'stage', '--replace', 'docker-host-002']);
    expect(result.code).toBe(0);
    const plans = result.lines.filter((l) => l.startsWith('terraform plan'));
    expect(
      plans.map((l) => l.includes('-replace=google_compute_instance.fleet_docker-host-002')),
    ).toEqual([false, false, true]);
  });

  it('a host the environment does not have: exit 2, the hosts it has, nothing run', async () => {
    const result = await driver(['up', 'stage', '--replace', 'docker-host-009']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--replace: unknown host of stage "docker-host-009"');
    expect(result.err).toContain('docker-host-001');
    expect(result.lines).toEqual([]);
  });

  it('up asks for the environment name before a replacement: "y" is not enough, "stage" is', async () => {
    const argv = ['up', 'stage', '--skip-image', '--replace', 'docker-host-001'];
    const questions: string[] = [];
    const no = await driver(argv, { planJson: REPLACE }, (q) => {
      questions.push(q);
      return Promise.resolve('y');
    });
    expect(no.code).toBe(4);
    expect(questions).toEqual(['Apply these changes to stage? Type the environment name: ']);
    expect(no.lines.filter((l) => l.startsWith('terraform apply'))).toEqual([]);
    expect(no.lines.find((l) => l.includes(' -replace='))).toContain(
      '-replace=google_compute_instance.fleet_docker-host-001',
    );
    const yes = await driver(argv, { planJson: REPLACE }, () => Promise.resolve('stage'));
    expect(yes.code).toBe(0);
    expect(yes.lines.filter((l) => l.startsWith('terraform apply'))).toHaveLength(3);
  });
});

describe('validate', () => {
  it('synth (with the policies), then init -backend=false and validate per stack; no state, no plan', async () => {
    const result = await driver(['validate', 'stage']);
    expect([result.code, result.err.includes('error')]).toEqual([0, false]);
    expect(result.lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'cdktf synth',
      ...['backend', 'registry', 'stage'].flatMap(() => ['terraform init', 'terraform validate']),
    ]);
    expect(result.lines.filter((l) => l.startsWith('terraform init'))).toEqual(
      Array(3).fill('terraform init -input=false -no-color -backend=false'),
    );
    expect(result.out).toContain('stage: terraform validate ok');
  });

  it('an invalid stack: exit 1, the failing call and its tail', async () => {
    const result = await driver(['validate', 'stage'], { fail: 'terraform validate' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/error: validate of stage failed: terraform validate -no-color in /);
    expect(result.err).toContain('| terraform error line 25');
  });
});

describe('output', () => {
  it('prints the outputs (name = value), --json for scripts', async () => {
    const text = await driver(['output', 'stage', '--refresh']);
    expect(text.code).toBe(0);
    expect(text.out).toContain('ssh_user = "deploy"');
    expect(text.out).toMatch(/^app_port = \d+$/m);
    const json = await driver(['output', 'stage', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { hosts: Record<string, { external_ip: string }> };
    expect(Object.keys(parsed.hosts)).toEqual(['docker-host-001', 'docker-host-002']);
    expect(parsed.hosts['docker-host-001'].external_ip).toBe('127.0.0.1');
  });
});

test('up --plan --dry-run says what is checked before the saved plans are applied, and runs nothing', async () => {
  const result = await driver(['up', 'stage', '--plan', 'some/dir', '--dry-run']);
  expect(result.code).toBe(0);
  expect(result.out).toContain('checked against some/dir/saved-plans.json');
  expect(result.lines).toEqual([]);
});

test('--replace with a run that leaves out the deploy step is refused, not dropped unseen', async () => {
  for (const step of [
    ['--only', 'hosts'],
    ['--from', 'check'],
  ]) {
    const result = await driver(['up', 'stage', '--replace', 'docker-host-001', ...step]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      `--replace needs the deploy step, which ${step.join(' ')} leaves out`,
    );
    expect(result.lines).toEqual([]);
  }
  const deploy = await driver([
    'up',
    'stage',
    '--replace',
    'docker-host-001',
    '--only',
    'deploy',
    '--dry-run',
  ]);
  expect(deploy.code).toBe(0);
});
