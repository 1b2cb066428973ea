import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_REFUSED } from '../../../lib/exit-codes';
import { answerApproves, approvalStep, approve } from '../../../driver/review/approval';
import { PromptCancelled } from '../../../lib/prompt';
import { StackPlanSummary, summarizePlan } from '../../../review/plan/summary';

const ROOT = join(__dirname, '..', '..', '..');

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
      expect(
        approvalStep({
          ...base,
          autoApprove,
          interactive: false,
          summaries: [summary('google-noop')],
        }),
      ).toEqual({
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
    for (const fixture of [
      'google-create',
      'google-create-lb',
      'google-update',
      'google-relabel',
      'google-add-host',
    ]) {
      expect(
        approvalStep({ ...base, summaries: [summary('google-noop'), summary(fixture)] }),
      ).toEqual({
        kind: 'ask',
        typeName: false,
        question: 'Apply these changes to prod? [y/N] ',
      });
    }
  });

  test('deleting hosts with deletion protection on: refused, even with --auto-approve', () => {
    // A real plan: prod deployed with deletionProtection: true, then planned with -destroy.
    const guarded = summary('google-destroy-protected');
    for (const autoApprove of [true, false]) {
      const step = approvalStep({ ...base, autoApprove, summaries: [guarded] });
      expect(step).toEqual({
        kind: 'refuse',
        message:
          'refused: the plan deletes google_compute_instance.fleet_docker-host-001, ' +
          'google_compute_instance.fleet_docker-host-002, whose deletion protection is on: Terraform ' +
          'would stop there after deleting what comes first; nothing was applied. Set ' +
          'deletionProtection: false for prod in config/environments.ts and run up prod, then run this again',
      });
    }
    // The same destroy without the protection is asked as usual.
    expect(approvalStep({ ...base, summaries: [summary('google-destroy')] }).kind).toBe('ask');
  });

  test('no terminal: refused unless --auto-approve', () => {
    const summaries = [summary('google-update')];
    expect(approvalStep({ ...base, interactive: false, summaries })).toMatchObject({
      kind: 'refuse',
      message: expect.stringMatching(
        /^refused: nobody can approve .* run again with --auto-approve to apply it$/,
      ),
    });
    expect(approvalStep({ ...base, interactive: false, autoApprove: true, summaries }).kind).toBe(
      'apply',
    );
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
    expect(
      await approve({ ...base, summaries }, answering(new PromptCancelled('Ctrl-D')).ask),
    ).toEqual({
      apply: false,
      exitCode: EXIT_INTERRUPTED,
      message: 'cancelled at the prompt (Ctrl-D): nothing was done',
    });
  });

  test('without a way to ask it refuses, and never asks when there is nothing to apply', async () => {
    const never = answering('prod');
    expect(
      await approve({ ...base, summaries: [summary('google-update')] }, undefined),
    ).toMatchObject({
      apply: false,
      exitCode: EXIT_REFUSED,
    });
    expect(
      await approve({ ...base, summaries: [summary('google-noop')] }, never.ask),
    ).toMatchObject({
      apply: false,
      exitCode: EXIT_OK,
    });
    expect(never.asked).toEqual([]);
  });
});
