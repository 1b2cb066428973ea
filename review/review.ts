/** The review of one or more environments, from synthesized stacks (and a base synth, and plans). Pure. */
import { renderPlanMarkdown, renderPlanText } from './plan/render';
import { hasChanges, StackPlanSummary } from './plan/summary';
import { Suppression } from '../policies/check';
import { SynthesizedStack } from '../policies/rules';
import { BACKEND_STACK, REGISTRY_STACK } from '../lib/constants';
import { diffSection, diffSynths } from './diff';
import { Review, Section } from './document';
import { dataSection } from './data';
import { exposureSection } from './exposure';
import { policyResults, policySection } from './policies';
import { resourcesSection } from './resources';

export interface ReviewInput {
  /**
   * The environments reviewed; the backend stack (their state buckets) and the registry stack (the repository their
   * hosts pull from) always come with them.
   */
  readonly environments: readonly string[];
  /** Every stack of this tree (policies compare stacks with each other). */
  readonly stacks: readonly SynthesizedStack[];
  readonly suppressions: readonly Suppression[];
  /** What to compare with: its name and stacks, or why there is none. */
  readonly base:
    | { readonly label: string; readonly stacks: readonly SynthesizedStack[] }
    | { readonly error: string };
  readonly plans: readonly StackPlanSummary[];
}

function planSection(plans: readonly StackPlanSummary[]): Section {
  if (plans.length === 0) {
    return {
      title: 'Plan',
      summary:
        'not planned here (needs Google credentials and the state): give --plan <stack>=<file> with `terraform show -json` of a saved plan',
      blocks: [],
    };
  }
  const changing = plans.filter(hasChanges).length;
  return {
    title: 'Plan',
    summary: changing === 0 ? 'no changes' : `${changing} of ${plans.length} stacks change`,
    open: changing > 0,
    blocks: plans.map((p) => ({
      kind: 'raw',
      text: renderPlanText(p),
      markdown: renderPlanMarkdown(p),
    })),
  };
}

export function buildReview(input: ReviewInput): Review {
  const shared = [BACKEND_STACK, REGISTRY_STACK];
  const names = [...shared, ...input.environments];
  const selected = input.stacks.filter((s) => names.includes(s.name));
  const inScope = (stacks: readonly SynthesizedStack[]) =>
    stacks.filter((s) => names.includes(s.name));
  const results = policyResults(input.stacks, input.suppressions).map((r) => ({
    ...r,
    details: r.details.filter((d) => names.some((n) => d.startsWith(`${n}: `))),
  }));
  const base =
    'error' in input.base
      ? { error: input.base.error }
      : diffSynths(inScope(input.base.stacks), selected);
  return {
    title: `Review: ${input.environments.join(', ')}`,
    sections: [
      policySection(
        results.map((r) =>
          r.details.length === 0 && r.status !== 'pass' ? { ...r, status: 'pass' } : r,
        ),
      ),
      exposureSection(selected.filter((s) => !shared.includes(s.name))),
      ...dataSection(selected),
      ...selected.map(resourcesSection),
      diffSection('error' in input.base ? '' : input.base.label, base),
      planSection(input.plans),
    ],
  };
}
