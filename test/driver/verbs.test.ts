/**
 * Issue 21's verbs and the CLI's smaller promises, in process against the recording executor (recording-exec.ts):
 * conflicting flags, `--json` errors, the dry run of a dirty tree with app.build, the new commands.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecIo } from '../../driver/exec/exec';
import { App, runDriver, Sandbox, sandboxAndAppEach, testEnv, testSpec } from './harness';
import { RecordingExec, Tools, toolResponder } from './recording-exec';

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

/** The driver in process with a recording executor: the result and the executor. */
async function drive(argv: string[], tools: Partial<Tools> = {}) {
  let exec: RecordingExec | undefined;
  const makeExec = (io: ExecIo) =>
    (exec = new RecordingExec(io, toolResponder({ port: app.port, ...tools })));
  const result = await runDriver(argv, sb, {
    spec: testSpec(sb, app.port),
    env: testEnv(sb),
    signals: new EventEmitter(),
    makeExec,
  });
  return { ...result, lines: exec?.lines() ?? [] };
}

describe('flags and --json errors', () => {
  test('--markdown and --json together are refused before anything runs (exit 2)', async () => {
    const result = await drive(['plan', 'stage', '--markdown', '--json']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--markdown and --json exclude each other: pick one');
    expect(result.lines).toEqual([]);
  });

  test('with --json a usage error is also JSON on stdout, carrying the message', async () => {
    const result = await drive(['status', 'stgae', '--json']);
    expect(result.code).toBe(2);
    const parsed = JSON.parse(result.out) as { error: string };
    expect(parsed.error).toContain('unknown environment "stgae"');
  });

  test('with --json a failing plan says why on stdout as JSON, not an empty stream', async () => {
    const result = await drive(['plan', 'stage', '--json'], { fail: 'terraform init' });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.out) as { error: string };
    expect(parsed.error).toMatch(/^plan of stage failed: terraform init/);
    expect(result.err).toContain('error: plan of stage failed');
  });
});

describe('suggestions for what people type', () => {
  test.each([
    [['up', 'stgae'], 'unknown environment "stgae" (did you mean stage?)'],
    [['up', 'stage', '--form', 'hosts'], 'unknown option "--form" (did you mean --from?)'],
    [['deploy', 'stage'], 'unknown command "deploy" (did you mean up?)'],
    [['apply', 'prod'], 'unknown command "apply" (did you mean up?)'],
    [['deploy'], '"deploy" is not an environment; here that is up: npx docker-hosts up <env>'],
    [['help', 'deploy'], 'unknown command "deploy" (did you mean up?)'],
  ])('%j', async (argv, message) => {
    const result = await drive(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.lines).toEqual([]);
  });
});

describe('Kamal-style verbs', () => {
  test('lock acquire -m holds the lock by hand: runs are refused with the reason until lock release (no --force)', async () => {
    expect((await drive(['lock', 'acquire', 'stage'])).code).toBe(2);
    const taken = await drive(['lock', 'acquire', 'stage', '-m', 'db migration, ask ops']);
    expect([taken.code, taken.err]).toEqual([0, '']);
    expect(taken.out).toContain('locked by hand ("db migration, ask ops")');
    const refused = await drive(['up', 'stage', '--only', 'packer-init']);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('(lock acquire stage, held by hand: "db migration, ask ops")');
    expect(refused.err).toContain(
      'No process holds it: it stays until someone releases it: npx docker-hosts lock release stage',
    );
    expect(refused.lines).toEqual([]);
    const status = await drive(['lock', 'status', 'stage']);
    expect(status.out).toContain('held by hand (lock acquire stage): "db migration, ask ops"');
    expect((await drive(['lock', 'acquire', 'stage', '-m', 'again'])).code).toBe(3);
    const released = await drive(['lock', 'release', 'stage']);
    expect([released.code, released.err]).toEqual([0, '']);
    expect((await drive(['up', 'stage', '--only', 'packer-init'])).code).toBe(0);
    expect((await drive(['lock', 'status', 'stage', '-m', 'x'])).code).toBe(2);
  });

  test('config <env>: every resolved field, --json the object; build-arg values never shown', async () => {
    const spec = testSpec(sb, app.port, {
      app: { build: { context: 'app', name: 'web', buildArgs: { RELEASE_CHANNEL: 'beta-7' } } },
    });
    const run = (argv: string[]) => runDriver(argv, sb, { spec, env: testEnv(sb) });
    const text = await run(['config', 'stage']);
    expect([text.code, text.err]).toEqual([0, '']);
    expect(text.out).toMatch(/^name: "stage"$/m);
    expect(text.out).toMatch(/^machineType: "e2-\w+"$/m);
    expect(text.out).toMatch(/^app\.build\.buildArgs\.RELEASE_CHANNEL: "\(not shown\)"$/m);
    expect(text.out).not.toContain('beta-7');
    const json = await run(['config', 'stage', '--json']);
    const parsed = JSON.parse(json.out) as { name: string; app: { build: { buildArgs: unknown } } };
    expect(parsed.name).toBe('stage');
    expect(parsed.app.build.buildArgs).toEqual({ RELEASE_CHANNEL: '(not shown)' });
    expect(json.out).not.toContain('beta-7');
  });

  test('config <env>: env, secrets by id, volumes, accessories and the data disk are shown', async () => {
    const spec = testSpec(sb, app.port, {
      app: { env: { RACK_ENV: 'production' }, secrets: { SECRET_KEY_BASE: 'reddit-key' } },
      accessories: { mongo: { image: 'mongo:4.4', port: 27017, volumes: ['mongo:/data/db'] } },
      dataDisk: { sizeGb: 10 },
    });
    const text = await runDriver(['config', 'stage'], sb, { spec, env: testEnv(sb) });
    expect([text.code, text.err]).toEqual([0, '']);
    expect(text.out).toMatch(/^app\.env\.RACK_ENV: "production"$/m);
    expect(text.out).toMatch(
      /^app\.secrets: \[\{"name":"SECRET_KEY_BASE","secret":"reddit-key","version":"latest"\}\]$/m,
    );
    expect(text.out).toMatch(/^accessories: \[\{"name":"mongo","image":"mongo:4.4","port":27017,/m);
    expect(text.out).toMatch(/^dataDisk\.sizeGb: 10$/m);
    expect(text.out).toMatch(/^dataDisk\.snapshots\.schedule: "daily at 03:00"$/m);
  });

  test('build <env> is the build step alone; an environment without app.build says so (exit 2)', async () => {
    const result = await drive(['build', 'stage']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('stage has no build step: it deploys the prebuilt');
    expect(result.lines).toEqual([]);
    expect((await drive(['push', 'stage'])).err).toContain('stage has no build step');
  });

  test.each(['rollback', 'prune'])(
    '%s --dry-run prints the playbook call and runs nothing',
    async (command) => {
      const result = await drive([command, 'stage', '--dry-run']);
      expect([result.code, result.err]).toEqual([0, '']);
      expect(result.out).toContain(
        `$ ansible-playbook -i '${join(sb.runBase, 'stage', `${command}-<work>`, 'inventory.yml')}' playbooks/${command}.yml`,
      );
      expect(result.lines).toEqual([]);
      expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
    },
  );

  test('--hosts a,b picks those hosts; with --host it is refused; an unknown name lists the hosts', async () => {
    const ssh = (lines: readonly string[]) => lines.filter((l) => l.startsWith('ssh '));
    const two = await drive(['logs', 'stage', '--hosts', 'docker-host-001,docker-host-002']);
    expect(two.code).toBe(0);
    expect(ssh(two.lines)).toHaveLength(2);
    const one = await drive(['logs', 'stage', '--hosts', 'docker-host-002']);
    expect(ssh(one.lines)).toHaveLength(1);
    expect(ssh(one.lines)[0]).toContain('docker-host-002');
    const both = await drive(['logs', 'stage', '--host', 'docker-host-001', '--hosts', 'x']);
    expect(both.err).toContain('--host and --hosts exclude each other');
    expect((await drive(['logs', 'stage', '--hosts', 'a,,b'])).code).toBe(2);
    const unknown = await drive(['exec', 'stage', '--hosts', 'docker-host-001,web-9', '--', 'id']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown host "web-9" in stage; hosts are: docker-host-001');
  });
});
