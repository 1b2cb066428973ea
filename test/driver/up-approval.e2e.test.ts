/** `up` shows the plans and asks before it changes anything; it applies exactly the saved plans. */
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  callLines,
  runDriver,
  Sandbox,
  testEnv,
  testSpec,
  sandboxAndAppEach,
  untilHanging,
} from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';
import { planFixture } from './recorded-run';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

const env = (extra: Record<string, string> = {}) =>
  testEnv(sb, { FAKE_APP_PORT: String(app.port), ...extra });
const changedAnything = () =>
  callLines(sb).filter(
    (l) =>
      /^(packer build|terraform apply|ansible-playbook)/.test(l) || l.startsWith('packer init'),
  );

describe('up: review before apply', () => {
  it('without a terminal and without --auto-approve: the summary, then a refusal (exit 4), nothing changed', async () => {
    const result = await runDriver(['up', 'stage'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_PLAN_JSON: planFixture('google-create') }),
    });
    expect(result.code).toBe(4);
    expect(result.out).toMatch(/Changes to stage[\s\S]*stage: \d+ to add/);
    expect(result.err).toContain(
      'refused: nobody can approve these changes to stage without a terminal',
    );
    expect(changedAnything()).toEqual([]);
    expect(app.hits()).toBe(0);
  });

  it('on a terminal: asks y/N; "n" changes nothing, "y" applies the saved plans', async () => {
    const questions: string[] = [];
    const answer = (a: string) => async (q: string) => (questions.push(q), a);
    const spec = testSpec(sb, app.port);
    const no = await runDriver(['up', 'stage'], sb, {
      spec,
      env: env({ FAKE_PLAN_JSON: planFixture('google-create') }),
      ask: answer('n'),
    });
    expect(no.code).toBe(4);
    expect(questions).toEqual(['Apply these changes to stage? [y/N] ']);
    expect(changedAnything()).toEqual([]);

    const yes = await runDriver(['up', 'stage'], sb, {
      spec,
      env: env({ FAKE_PLAN_JSON: planFixture('google-create') }),
      ask: answer('y'),
    });
    expect(yes.code).toBe(0);
    expect(
      callLines(sb)
        .filter((l) => l.startsWith('terraform apply'))
        .map((l) => l.split('/').pop()),
    ).toEqual(['backend.tfplan', 'registry.tfplan', 'stage.tfplan']);
    expect(app.hits()).toBe(2);
  });

  it('a replaced host needs the environment name typed; "y" is not enough', async () => {
    const questions: string[] = [];
    const result = await runDriver(['up', 'stage'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_PLAN_JSON: planFixture('google-replace') }),
      ask: async (q) => (questions.push(q), 'y'),
    });
    expect(questions).toEqual(['Apply these changes to stage? Type the environment name: ']);
    expect(result.code).toBe(4);
    expect(result.out).toContain('host docker-host-001 is replaced');
    expect(changedAnything()).toEqual([]);
  });

  it('no changes: says so, applies nothing, still reads the outputs and configures the hosts', async () => {
    const result = await runDriver(['up', 'stage', '--skip-image'], sb, {
      spec: testSpec(sb, app.port),
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.out).toContain('no changes in stage: nothing to apply');
    const lines = callLines(sb);
    expect(lines.some((l) => l.startsWith('terraform apply'))).toBe(false);
    expect(lines.filter((l) => l.startsWith('terraform output'))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('ansible-playbook'))).toBe(true);
  });

  it('terraform output -json that is not JSON: one line naming the command, exit 1, no stack trace, nothing run after it', async () => {
    const result = await runDriver(['up', 'stage', '--skip-image'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_OUTPUTS: 'garbled' }),
    });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /\n {2}terraform output -json -no-color printed no JSON \(.*\): 26 characters, starting "\{/,
    );
    expect(result.err).not.toMatch(/SyntaxError|\n\s+at /);
    expect(callLines(sb).some((l) => l.startsWith('ansible-playbook'))).toBe(false);
  });

  it("a stale plan (the state moved since the plan) fails with Terraform's refusal and says to plan again", async () => {
    const result = await runDriver(['up', 'stage', '--skip-image', '--auto-approve'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_PLAN_JSON: planFixture('google-create'), FAKE_TF_STALE: '1' }),
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain('Saved plan is stale');
    expect(result.err).toContain(
      'the state of backend changed since it was planned: run up again to plan anew',
    );
  });

  it('first deploy: stacks whose state bucket does not exist yet are not applied unseen; the run stops after the backend', async () => {
    const result = await runDriver(['up', 'stage', '--skip-image', '--auto-approve'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_PLAN_JSON: planFixture('google-create'), FAKE_TF_NO_BUCKET: 'registry' }),
    });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /registry: not planned \(terraform init failed: .*bucket doesn't exist\)/,
    );
    expect(
      callLines(sb)
        .filter((l) => l.startsWith('terraform apply'))
        .map((l) => l.split('/').pop()),
    ).toEqual(['backend.tfplan']);
    expect(result.out).toMatch(
      /registry could not be planned .*: run up again once the backend is applied/,
    );
    expect(callLines(sb).some((l) => l.startsWith('ansible-playbook'))).toBe(false);
  });

  it('init failing for another reason (no provider, no network) stops before anything: exit 1, nothing applied', async () => {
    const result = await runDriver(['up', 'stage', '--skip-image', '--auto-approve'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_FAIL: 'terraform init' }),
    });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /error: plan of stage failed: terraform init -input=false -no-color -backend-config=path=\S+\/backend\.tfstate in \S+\/cdktf\.out\/stacks\/backend \(exit \d+\)/,
    );
    expect(result.err).toContain('  | terraform error line 25');
    expect(result.out).not.toContain('done');
    expect(
      callLines(sb).filter((l) => l.startsWith('terraform') && !l.startsWith('terraform init')),
    ).toEqual([]);
  });

  it('Ctrl-C while planning: one line, exit 130, nothing applied, both locks released', async () => {
    const result = await runDriver(['up', 'stage', '--skip-image', '--auto-approve'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_PLAN_JSON: planFixture('google-create'), FAKE_SIGINT: 'terraform plan' }),
    });
    expect(result.code).toBe(130);
    expect(result.err).toMatch(
      /error: interrupted \(SIGINT\) during the review's planning \(terraform plan .*\): nothing was applied, the locks are released/,
    );
    expect(changedAnything()).toEqual([]);
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
    expect(existsSync(join(sb.root, '.run', 'cdktf.lock'))).toBe(false);
  });

  it('SIGTERM while planning: forwarded once to terraform, waited for, exit 143, nothing applied, locks released', async () => {
    const signals = new EventEmitter();
    const running = runDriver(['up', 'stage', '--skip-image', '--auto-approve'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_PLAN_JSON: planFixture('google-create'), FAKE_HANG: 'terraform plan' }),
      signals,
    });
    expect(await untilHanging(sb)).toBe(true);
    signals.emit('SIGTERM');
    const result = await running;
    expect(result.code).toBe(143);
    expect(readFileSync(`${sb.log}.signals`, 'utf8')).toBe('terraform got SIGTERM\n');
    expect(result.err).toMatch(
      /error: interrupted \(SIGTERM\) during the review's planning \(terraform plan .*\): nothing was applied, the locks are released/,
    );
    expect(changedAnything()).toEqual([]);
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
    expect(existsSync(join(sb.root, '.run', 'cdktf.lock'))).toBe(false);
  });
});

describe('up: a signal during the review (before any lock was released by a step)', () => {
  const lockPaths = () => [join(sb.runBase, 'stage', 'lock'), join(sb.root, '.run', 'cdktf.lock')];
  const stoppedFile = () => {
    const runs = join(sb.runBase, 'stage');
    const dirs = existsSync(runs) ? readdirSync(runs) : [];
    return dirs.map((d) => join(runs, d, 'interrupted.txt')).find((f) => existsSync(f));
  };

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ] as const)(
    '%s at the approval prompt: one line, exit %i, the lock released, nothing applied',
    async (signal, code) => {
      const signals = new EventEmitter();
      let held: boolean[] = [];
      const ask = (_q: string, abort?: AbortSignal) =>
        new Promise<string>((_resolve, reject) => {
          held = lockPaths().map((p) => existsSync(p));
          abort?.addEventListener('abort', () => reject(new Error('closed')));
          signals.emit(signal);
        });
      const result = await runDriver(['up', 'stage'], sb, {
        spec: testSpec(sb, app.port),
        env: env({ FAKE_PLAN_JSON: planFixture('google-create') }),
        signals,
        ask,
      });
      // At the prompt only the environment's lock is held (no cdktf lock: the run synthesized in its own folder).
      expect(held).toEqual([true, false]);
      expect(result.code).toBe(code);
      expect(result.err).toContain(
        `interrupted (${signal}) during the review's approval prompt: nothing was applied`,
      );
      expect(lockPaths().filter((p) => existsSync(p))).toEqual([]);
      expect(readFileSync(stoppedFile()!, 'utf8')).toContain('approval prompt');
      expect(changedAnything()).toEqual([]);
    },
  );

  it('SIGTERM during the review preflight (the gap that left both locks): exit 143, locks released', async () => {
    const signals = new EventEmitter();
    let probes = 0;
    const probe = async () => (probes++ === 0 && signals.emit('SIGTERM'), 'v99.0.0');
    const result = await runDriver(['up', 'stage'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_PLAN_JSON: planFixture('google-create') }),
      signals,
      probe,
      ask: async () => 'y',
    });
    expect(result.code).toBe(143);
    expect(result.err).toContain("interrupted (SIGTERM) during the review's preflight");
    expect(lockPaths().filter((p) => existsSync(p))).toEqual([]);
    expect(readFileSync(stoppedFile()!, 'utf8')).toContain('preflight');
    expect(callLines(sb).filter((l) => /^(cdktf|terraform)/.test(l))).toEqual([]);
  });
});
