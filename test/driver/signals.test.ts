/**
 * Signals at every phase, in process against the recording executor: SIGINT, SIGTERM and SIGHUP during preflight,
 * synth, planning, the approval prompt, an apply, a playbook, `terraform output` and an ssh read. Each time the
 * running call gets the signal once (SIGHUP as SIGTERM), nothing starts after it, the driver exits 128 + n, both
 * locks are released and the run folder's interrupted.txt says where it stopped. As real processes:
 * cli.e2e.test.ts, run.e2e.test.ts, up-approval.e2e.test.ts, ship.e2e.test.ts.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Sandbox, sandboxAndAppEach } from './harness';
import { lastUpRun, planFixture, startRecorded, untilCalled } from './recorded-run';

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

const CREATE = planFixture('google-create');
const SIGNALS = [
  ['SIGINT', 130, 'SIGINT'],
  ['SIGTERM', 143, 'SIGTERM'],
  ['SIGHUP', 129, 'SIGTERM'],
] as const;

/** Where a run stops, the call it hangs in (a prefix of its line), and what interrupted.txt names. */
const PHASES = [
  ['preflight', 'terraform version', "the review's preflight"],
  ['synth', 'cdktf synth', "the review's planning (cdktf synth"],
  ['planning', 'terraform plan', "the review's planning (terraform plan"],
  ['an apply', 'terraform apply', 'at step "backend"'],
  ['terraform output', 'terraform output', 'at step "registry"'],
  ['a playbook', 'ansible-playbook -i', 'at step "hosts"'],
] as const;

const lockPaths = () => [join(sb.runBase, 'stage', 'lock'), join(sb.root, '.run', 'cdktf.lock')];
const lastRun = () => lastUpRun(sb);

/** Runs `argv` with a recording executor; `signal` is sent once the call `hangOn` runs. */
async function interrupted(argv: string[], hangOn: string, signal: string) {
  const signals = new EventEmitter();
  const run = startRecorded(argv, sb, app, { tools: { planJson: CREATE, hangOn }, signals });
  await untilCalled(run, hangOn);
  signals.emit(signal);
  const result = await run.result;
  return { ...result, exec: run.exec()!, listeners: signals.listenerCount(signal) };
}

describe.each(SIGNALS)('%s', (signal, code, forwarded) => {
  test.each(PHASES)(
    `during %s: forwarded once, exit ${code}, both locks released, where it stopped`,
    async (_p, hangOn, where) => {
      const result = await interrupted(['up', 'stage', '--auto-approve'], hangOn, signal);
      expect(result.code).toBe(code);
      const hung = result.exec.calls.filter((c) => c.line.startsWith(hangOn));
      expect(hung.map((c) => c.got)).toEqual([[forwarded]]);
      // Nothing after it (the version probes of preflight run side by side and are not in lines()).
      const lines = result.exec.lines();
      expect(lines.slice(lines.indexOf(hung[0].line) + 1)).toEqual([]);
      expect(lockPaths().filter((p) => existsSync(p))).toEqual([]);
      expect(readFileSync(join(lastRun(), 'interrupted.txt'), 'utf8')).toContain(where);
      expect(result.listeners).toBe(0);
    },
  );

  test(`at the approval prompt: the prompt closed, exit ${code}, the lock released, nothing applied`, async () => {
    let held: boolean[] = [];
    const signals = new EventEmitter();
    const prompt = (_q: string, abort?: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        held = lockPaths().map((p) => existsSync(p));
        abort?.addEventListener('abort', () => reject(new Error('closed')));
        signals.emit(signal);
      });
    const run = startRecorded(['up', 'stage'], sb, app, {
      tools: { planJson: CREATE },
      signals,
      ask: prompt,
    });
    const result = await run.result;
    // At the prompt the environment's lock is held, no cdktf lock (the run synthesized in its own folder).
    expect(held).toEqual([true, false]);
    expect(result.code).toBe(code);
    expect(
      run
        .exec()!
        .lines()
        .filter((l) => l.includes(' apply ')),
    ).toEqual([]);
    expect(lockPaths().filter((p) => existsSync(p))).toEqual([]);
    expect(readFileSync(join(lastRun(), 'interrupted.txt'), 'utf8')).toContain('approval prompt');
  });

  test(`during an ssh read (releases): ssh gets it once, exit ${code}`, async () => {
    const result = await interrupted(['releases', 'stage'], 'ssh', signal);
    expect(result.code).toBe(code);
    const reads = result.exec.calls.filter((c) => c.line.startsWith('ssh'));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.got.length === 1 && c.got[0] === forwarded)).toBe(true);
    expect(result.listeners).toBe(0);
  });
});
