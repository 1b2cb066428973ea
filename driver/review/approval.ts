/**
 * Whether a plan may be applied: no changes → skip; --auto-approve → apply; no terminal → refuse; else ask,
 * and a plan that destroys or replaces a host needs the environment's name typed out; a plan that deletes
 * a resource with deletion protection on is refused, even with --auto-approve. Pure; the question itself
 * is asked by lib/prompt.ts, whose Ctrl-C and Ctrl-D reject with PromptCancelled.
 */
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_REFUSED } from '../../lib/exit-codes';
import { PromptCancelled } from '../../lib/prompt';
import {
  hasChanges,
  losesHost,
  protectedDeletions,
  StackPlanSummary,
} from '../../review/plan/summary';

export interface ApprovalInput {
  readonly environment: string;
  readonly summaries: readonly StackPlanSummary[];
  /** stdin and stdout are terminals: someone can answer. */
  readonly interactive: boolean;
  readonly autoApprove: boolean;
}

export type ApprovalStep =
  | { readonly kind: 'skip'; readonly message: string }
  | { readonly kind: 'apply'; readonly message: string }
  | { readonly kind: 'refuse'; readonly message: string }
  | { readonly kind: 'ask'; readonly question: string; readonly typeName: boolean };

export type ApprovalOutcome =
  | { readonly apply: true; readonly message?: string }
  | { readonly apply: false; readonly exitCode: number; readonly message: string };

/** What to do before anything is applied. */
export function approvalStep(input: ApprovalInput): ApprovalStep {
  const { environment } = input;
  if (!input.summaries.some(hasChanges)) {
    return { kind: 'skip', message: `no changes in ${environment}: nothing to apply` };
  }
  const guarded = input.summaries.flatMap(protectedDeletions);
  if (guarded.length > 0)
    return { kind: 'refuse', message: protectedMessage(environment, guarded) };
  if (input.autoApprove)
    return { kind: 'apply', message: '--auto-approve: applying the saved plan without asking' };
  if (!input.interactive) {
    return {
      kind: 'refuse',
      message: `refused: nobody can approve these changes to ${environment} without a terminal; nothing was applied. Review the summary above, then run again with --auto-approve to apply it`,
    };
  }
  const typeName = input.summaries.some(losesHost);
  return {
    kind: 'ask',
    typeName,
    question: typeName
      ? `Apply these changes to ${environment}? Type the environment name: `
      : `Apply these changes to ${environment}? [y/N] `,
  };
}

/**
 * Google refuses to delete a resource whose deletion protection is on, and Terraform finds out only when it
 * gets there: everything destroyed before it (the front door, the grants) would already be gone.
 */
function protectedMessage(environment: string, addresses: readonly string[]): string {
  return (
    `refused: the plan deletes ${addresses.join(', ')}, whose deletion protection is on: Terraform ` +
    `would stop there after deleting what comes first; nothing was applied. Set deletionProtection: ` +
    `false for ${environment} in config/environments.ts and run up ${environment}, then run this again`
  );
}

/** Whether the answer approves: the exact environment name when typeName, else y or yes. */
export function answerApproves(
  step: { readonly typeName: boolean },
  environment: string,
  answer: string,
): boolean {
  const text = answer.trim();
  return step.typeName ? text === environment : /^(y|yes)$/i.test(text);
}

/** Decides, asks when it must, and says what happens; `ask` is undefined when there is no terminal. */
export async function approve(
  input: ApprovalInput,
  ask: ((question: string) => Promise<string>) | undefined,
): Promise<ApprovalOutcome> {
  const step = approvalStep({ ...input, interactive: input.interactive && ask !== undefined });
  switch (step.kind) {
    case 'skip':
      return { apply: false, exitCode: EXIT_OK, message: step.message };
    case 'apply':
      return { apply: true, message: step.message };
    case 'refuse':
      return { apply: false, exitCode: EXIT_REFUSED, message: step.message };
  }
  let answer: string;
  try {
    answer = await ask!(step.question);
  } catch (error) {
    if (!(error instanceof PromptCancelled)) throw error;
    return { apply: false, exitCode: EXIT_INTERRUPTED, message: error.message };
  }
  if (answerApproves(step, input.environment, answer)) return { apply: true };
  const expected = step.typeName ? `"${input.environment}"` : 'y';
  return {
    apply: false,
    exitCode: EXIT_REFUSED,
    message: `not approved (the answer was not ${expected}): nothing was applied`,
  };
}
