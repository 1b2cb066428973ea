/**
 * The run's sequencing in process, against the recording executor (recording-exec.ts): order, skip, resume,
 * approval, the failure report and a signal, with no child process at all (the check step's HTTP server on loopback
 * is the only real peer). The same behaviours against the fake tools as processes are run.e2e.test.ts's and
 * up-approval.e2e.test.ts's (npm run test:e2e).
 */
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Sandbox, sandboxAndAppEach } from './harness';
import { lastUpRun, planFixture, startRecorded, untilCalled } from './recorded-run';
import type { Tools } from './recording-exec';

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

const CREATE = planFixture('google-create');

/** Runs the driver in process with a recording executor; the result and the executor. */
async function up(argv: string[], tools: Partial<Tools> = {}, signals = new EventEmitter()) {
  const run = startRecorded(argv, sb, app, { tools, signals });
  return { ...(await run.result), exec: run.exec()! };
}

const lastRun = () => lastUpRun(sb);

test('up --auto-approve --skip-image: synth and every plan before anything changes, then the steps in order', async () => {
  const result = await up(['up', 'stage', '--skip-image', '--auto-approve'], { planJson: CREATE });
  expect([result.code, result.err]).toEqual([0, '']);
  const runDir = lastRun();
  const tail = (line: string) => line.replace(`${runDir}/`, '');
  expect(result.exec.lines().map((l) => tail(l).split(' -')[0])).toEqual([
    'cdktf synth',
    ...['backend', 'registry', 'stage'].flatMap(() => [
      'terraform init',
      'terraform plan',
      'terraform show',
    ]),
    'terraform apply',
    'terraform apply',
    'terraform output',
    'terraform apply',
    'terraform output',
    'ansible-playbook',
  ]);
  expect(readFileSync(join(runDir, 'inventory.yml'), 'utf8')).toContain(
    'ansible_host: "127.0.0.1"',
  );
  expect(result.out).toMatch(/\[\d+\/\d+\] check .* ok/);
  expect(app.hits()).toBeGreaterThanOrEqual(2);
  expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
});

test('a failing step stops the run there: its command, exit code, the tail of its output, how to resume', async () => {
  const result = await up(['up', 'stage', '--skip-image', '--auto-approve'], {
    fail: 'ansible-playbook',
  });
  expect(result.code).toBe(1);
  expect(result.err).toContain('Step "hosts" failed');
  expect(result.err).toMatch(/command: {3}ansible-playbook -i /);
  expect(result.err).toContain('exit code: 3');
  expect(result.err).toContain('| ansible-playbook error line 25');
  expect(result.err).toContain('resume:    npx docker-hosts up stage --from hosts --skip-image');
  expect(result.exec.lines().at(-1)).toMatch(/^ansible-playbook /);
  expect(app.hits()).toBe(0);
});

test('--from resumes in the same run folder and runs only that step and the ones after it', async () => {
  await up(['up', 'stage', '--skip-image', '--auto-approve'], { fail: 'ansible-playbook' });
  const failed = lastRun();
  const result = await up(['up', 'stage', '--from', 'hosts', '--skip-image']);
  expect(result.code).toBe(0);
  expect(lastRun()).toBe(failed);
  expect(result.out).toContain('continuing in the last run folder (--from)');
  expect(result.exec.lines().map((l) => l.split(' ')[0])).toEqual(['ansible-playbook']);
  expect(readdirSync(join(sb.runBase, 'stage')).filter((d) => /^\d{8}T/.test(d))).toHaveLength(1);
});

test('without a terminal and without --auto-approve: the summary, a refusal (exit 4), nothing applied', async () => {
  const result = await up(['up', 'stage', '--skip-image'], { planJson: CREATE });
  expect(result.code).toBe(4);
  expect(result.out).toMatch(/Changes to stage[\s\S]*stage: \d+ to add/);
  expect(result.err).toContain(
    'refused: nobody can approve these changes to stage without a terminal',
  );
  expect(result.exec.lines().filter((l) => / apply /.test(l))).toEqual([]);
  expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
});

test('SIGTERM during an apply: the call gets it once, nothing starts after it, exit 143, the locks released', async () => {
  const signals = new EventEmitter();
  const running = startRecorded(['up', 'stage', '--skip-image', '--auto-approve'], sb, app, {
    tools: { hangOn: 'terraform apply', planJson: CREATE },
    signals,
  });
  await untilCalled(running, 'terraform apply');
  signals.emit('SIGTERM');
  signals.emit('SIGTERM');
  const result = { ...(await running.result), exec: running.exec()! };
  expect(result.code).toBe(143);
  const applies = result.exec.calls.filter((c) => c.line.startsWith('terraform apply'));
  expect(applies.map((c) => c.got)).toEqual([['SIGTERM']]);
  expect(result.err).toContain('Interrupted (SIGTERM) at step "backend"');
  expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
  expect(existsSync(join(sb.root, '.run', 'cdktf.lock'))).toBe(false);
  expect(signals.listenerCount('SIGTERM')).toBe(0);
});

/** Whether every call of a run that works in a stack's folder (terraform, not its version) or writes one (cdktf synth) stays in `dir`. */
function allIn(
  calls: readonly { call: { cwd?: string; args: readonly string[] }; line: string }[],
  dir: string,
) {
  return calls.every(({ call, line }) =>
    line.startsWith('cdktf synth')
      ? call.args[call.args.indexOf('--output') + 1] === join(dir, 'cdktf.out')
      : !line.startsWith('terraform') ||
        line === 'terraform version' ||
        (call.cwd ?? '').startsWith(join(dir, 'cdktf.out', 'stacks')),
  );
}

test.each(['cdktf synth', 'terraform plan', 'terraform apply'])(
  "locks as Terraform scopes them: while stage's run is in %s, prod plans and applies; stage's own lock refuses stage",
  async (phase) => {
    const signals = new EventEmitter();
    const stage = startRecorded(['up', 'stage', '--skip-image', '--auto-approve'], sb, app, {
      tools: { hangOn: phase, planJson: CREATE },
      signals,
    });
    await untilCalled(stage, phase);
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(true);
    // No project-wide lock: each run synthesizes and plans in its own folder.
    expect(existsSync(join(sb.root, '.run', 'cdktf.lock'))).toBe(false);
    const prod = await up(['up', 'prod', '--skip-image', '--auto-approve'], { planJson: CREATE });
    expect([prod.code, prod.err]).toEqual([0, '']);
    expect(prod.exec.lines().filter((l) => l.startsWith('terraform apply'))).toHaveLength(3);
    expect(allIn(prod.exec.calls, lastUpRun(sb, 'prod'))).toBe(true);
    expect(allIn(stage.exec()!.calls, lastUpRun(sb, 'stage'))).toBe(true);
    // The same environment still waits: `plan stage` and a second `up stage` are refused, naming the holder's
    // command and environment, and how to release that environment's lock.
    for (const argv of [
      ['plan', 'stage'],
      ['up', 'stage', '--skip-image', '--auto-approve'],
    ]) {
      const again = await up(argv, { planJson: CREATE });
      expect(again.code).toBe(3);
      expect(again.err).toContain('(up stage)');
      expect(again.err).toContain('lock release stage');
      // Nothing ran but git's read of the checkout (who deploys which commit), before the lock.
      const ran = again.exec.calls.map((c) => c.line).filter((l) => !l.startsWith('git '));
      expect(ran).toEqual([]);
    }
    signals.emit('SIGINT');
    expect((await stage.result).code).toBe(130);
  },
);

describe('while up plans', () => {
  const SPINNER =
    '\u280b Synthesizing\r\x1b[2K\u2819 Synthesizing\r\x1b[2K\x1b[32mGenerated\x1b[39m cdk.tf.json\n';

  test('each call of the planning has its line with its elapsed time; the total counts the planning', async () => {
    const result = await up(['up', 'stage', '--skip-image', '--auto-approve'], {
      planJson: CREATE,
      slowOn: 'cdktf synth',
    });
    expect([result.code, result.err]).toEqual([0, '']);
    const lines = result.out.split('\n').filter((l) => l.startsWith('  planning '));
    expect(lines.map((l) => l.replace(/ ok \d+\.\ds$/, ''))).toEqual([
      '  planning synth',
      ...['backend', 'registry', 'stage'].flatMap((s) =>
        ['init', 'plan', 'show'].map((verb) => `  planning ${s}: ${verb}`),
      ),
    ]);
    expect(
      Number(/^ {2}planning synth ok (\d+\.\d)s$/m.exec(result.out)?.[1]),
    ).toBeGreaterThanOrEqual(0.2);
    expect(result.out).toContain(
      `planning backend, registry, stage (log: ${join(lastRun(), 'plan.log')})`,
    );
    // The steps themselves take no time here: the total is the planning's 0.2 s and more.
    const total = /^done: up stage, \d+ steps in (\d+\.\d)s;/m.exec(result.out);
    expect(Number(total?.[1])).toBeGreaterThanOrEqual(0.2);
  });

  test('a failure while planning names the log and the command that runs it again', async () => {
    const result = await up(['up', 'stage', '--skip-image', '--auto-approve'], {
      fail: 'terraform plan',
    });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^ {2}planning backend: plan failed \d+\.\ds$/m);
    expect(result.err).toContain(`  log:       ${join(lastRun(), 'plan.log')}\n`);
    expect(result.err).toContain('  resume:    npx docker-hosts up stage --skip-image\n');
  });

  test('the logs keep what the tools said, without their escape codes and spinner frames', async () => {
    const result = await up(['up', 'stage', '--skip-image', '--auto-approve'], {
      cdktfOutput: SPINNER,
    });
    expect(result.code).toBe(0);
    const log = readFileSync(join(lastRun(), 'plan.log'), 'utf8');
    expect(log).toContain('Generated cdk.tf.json\ncdktf: ok\n');
    for (const code of ['\x1b', '\r', '\u280b', '\u2819']) expect(log).not.toContain(code);
  });
});

test("each run's terraform init links the providers from one cache under the run base", async () => {
  const result = await up(['up', 'stage', '--skip-image', '--auto-approve'], { planJson: CREATE });
  expect(result.code).toBe(0);
  const inits = result.exec.calls.filter((c) => c.line.startsWith('terraform init'));
  expect(inits).toHaveLength(3);
  for (const { call } of inits)
    expect(call.env).toMatchObject({
      TF_PLUGIN_CACHE_DIR: join(sb.runBase, 'terraform-plugins'),
      TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
      CHECKPOINT_DISABLE: '1',
    });
  expect(existsSync(join(sb.runBase, 'terraform-plugins'))).toBe(true);
});
