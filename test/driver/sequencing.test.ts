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

test("locks as Terraform scopes them: stage's applies hold no lock prod's plans and applies wait on", async () => {
  const signals = new EventEmitter();
  const stage = startRecorded(['up', 'stage', '--skip-image', '--auto-approve'], sb, app, {
    tools: { hangOn: 'terraform apply', planJson: CREATE },
    signals,
  });
  await untilCalled(stage, 'terraform apply');
  const cdktfLock = join(sb.root, '.run', 'cdktf.lock');
  // Stage applies: its plans are saved, so the cdktf lock (synth and plans) is released; its own lock stays.
  expect(existsSync(cdktfLock)).toBe(false);
  expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(true);
  const prod = await up(['up', 'prod', '--skip-image', '--auto-approve'], { planJson: CREATE });
  expect([prod.code, prod.err]).toEqual([0, '']);
  expect(prod.exec.lines().filter((l) => l.startsWith('terraform apply'))).toHaveLength(3);
  // stage's own lock still refuses a second stage run, naming stage's command.
  const again = await up(['up', 'stage', '--skip-image', '--auto-approve'], { planJson: CREATE });
  expect(again.code).toBe(3);
  expect(again.err).toContain('(up stage)');
  expect(again.err).toContain('lock release stage');
  signals.emit('SIGINT');
  expect((await stage.result).code).toBe(130);
});
