/**
 * Issue 21's verbs and the CLI's smaller promises, in process against the recording executor (recording-exec.ts):
 * conflicting flags, `--json` errors, the dry run of a dirty tree with app.build, the new commands.
 */
import { EventEmitter } from 'node:events';
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
