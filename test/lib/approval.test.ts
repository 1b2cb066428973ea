import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_REFUSED } from '../../driver/exit-codes';
import { answerApproves, approvalStep, approve } from '../../lib/plan/approval';
import { PromptCancelled } from '../../lib/prompt';
import { StackPlanSummary, summarizePlan } from '../../lib/plan/summary';

const ROOT = join(__dirname, '..', '..');

function summary(fixture: string, stack = 'prod'): StackPlanSummary {
  return summarizePlan(
    stack,
    JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'plans', `${fixture}.json`), 'utf8')),
  );
}

const base = { environment: 'prod', interactive: true, autoApprove: false };

describe('approvalStep', () => {
  test('no changes: skip the apply, whatever else is given', () => {
    for (const autoApprove of [true, false]) {
      expect(approvalStep({ ...base, autoApprove, interactive: false, summaries: [summary('google-noop')] })).toEqual({
        kind: 'skip',
        message: 'no changes in prod: nothing to apply',
      });
    }
  });

  test('destroying or replacing a host asks for the environment name; anything else y/N', () => {
    // Real plans (npm run fixtures:plans): a host or its static IP goes away in each of these.
    for (const fixture of ['google-destroy', 'google-replace', 'google-remove-host']) {
      expect(approvalStep({ ...base, summaries: [summary(fixture)] })).toEqual({
        kind: 'ask',
        typeName: true,
        question: 'Apply these changes to prod? Type the environment name: ',
      });
    }
    for (const fixture of ['google-create', 'google-create-lb', 'google-update', 'google-relabel', 'google-add-host']) {
      expect(approvalStep({ ...base, summaries: [summary('google-noop'), summary(fixture)] })).toEqual({
        kind: 'ask',
        typeName: false,
        question: 'Apply these changes to prod? [y/N] ',
      });
    }
  });

  test('no terminal: refused unless --auto-approve', () => {
    const summaries = [summary('google-update')];
    expect(approvalStep({ ...base, interactive: false, summaries })).toMatchObject({
      kind: 'refuse',
      message: expect.stringMatching(/^refused: nobody can approve .* run again with --auto-approve to apply it$/),
    });
    expect(approvalStep({ ...base, interactive: false, autoApprove: true, summaries }).kind).toBe('apply');
  });

  test.each([
    [true, 'prod', true],
    [true, ' prod \n', true],
    [true, 'y', false],
    [true, 'Prod', false],
    [false, 'y', true],
    [false, 'YES', true],
    [false, '', false],
    [false, 'no', false],
    [false, 'prod', false],
  ])('typeName %s, answer %j: approves %s', (typeName, answer, approves) => {
    expect(answerApproves({ typeName }, 'prod', answer)).toBe(approves);
  });
});

describe('approve', () => {
  const answering = (result: string | PromptCancelled) => {
    const asked: string[] = [];
    const ask = async (q: string) => {
      asked.push(q);
      if (result instanceof PromptCancelled) throw result;
      return result;
    };
    return { asked, ask };
  };

  test('the outcome of each answer, with its exit code', async () => {
    const summaries = [summary('google-destroy')];
    const yes = answering('prod');
    expect(await approve({ ...base, summaries }, yes.ask)).toEqual({ apply: true });
    expect(yes.asked).toEqual(['Apply these changes to prod? Type the environment name: ']);
    expect(await approve({ ...base, summaries }, answering('y').ask)).toEqual({
      apply: false,
      exitCode: EXIT_REFUSED,
      message: 'not approved (the answer was not "prod"): nothing was applied',
    });
    expect(await approve({ ...base, summaries }, answering(new PromptCancelled('Ctrl-D')).ask)).toEqual({
      apply: false,
      exitCode: EXIT_INTERRUPTED,
      message: 'cancelled at the prompt (Ctrl-D): nothing was done',
    });
  });

  test('without a way to ask it refuses, and never asks when there is nothing to apply', async () => {
    const never = answering('prod');
    expect(await approve({ ...base, summaries: [summary('google-update')] }, undefined)).toMatchObject({
      apply: false,
      exitCode: EXIT_REFUSED,
    });
    expect(await approve({ ...base, summaries: [summary('google-noop')] }, never.ask)).toMatchObject({
      apply: false,
      exitCode: EXIT_OK,
    });
    expect(never.asked).toEqual([]);
  });
});

/** The approval program on a real pseudo-terminal, through util-linux `script`; input is typed once asked. */
function onPty(args: string[], typed: string): Promise<{ code: number | null; out: string }> {
  const command = ['node', 'scripts/run-app.cjs', 'test/fixtures/approval/approve-main.ts', ...args].join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let sent = false;
  child.stdout.on('data', (d) => {
    out += String(d);
    if (!sent && /Type the environment name: |\[y\/N\] /.test(out)) {
      sent = true;
      child.stdin.write(typed);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out: out.replace(/\r/g, '') })));
}

describe('on a pseudo-terminal', () => {
  jest.setTimeout(20000);

  test('typing the environment name applies', async () => {
    const r = await onPty(['prod', 'google-destroy'], 'prod\r');
    expect(r.out).toContain('Apply these changes to prod? Type the environment name: ');
    expect(r.out).toContain('APPLY');
    expect(r.code).toBe(0);
  });

  test('y is not enough when a host goes away', async () => {
    const r = await onPty(['prod', 'google-destroy'], 'y\r');
    expect(r.out).toContain('NO-APPLY not approved (the answer was not "prod"): nothing was applied');
    expect(r.code).toBe(EXIT_REFUSED);
  });

  test('Ctrl-C and Ctrl-D: nothing applied, one line, exit 130', async () => {
    for (const [key, name] of [
      ['\x03', 'Ctrl-C'],
      ['\x04', 'Ctrl-D'],
    ]) {
      const r = await onPty(['stage', 'google-update'], key);
      expect(r.out).toContain('Apply these changes to stage? [y/N] ');
      expect(r.out).toContain(`NO-APPLY cancelled at the prompt (${name}): nothing was done\n`);
      expect(r.code).toBe(130);
    }
  });
});
