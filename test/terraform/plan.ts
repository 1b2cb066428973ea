import { RELEASE_VARIABLE } from '../../stacks/managed-outputs';
import { planStack as planWithVars, type PlannedStack } from '../../scripts/terraform/plan';
import { assert } from './harness';
import { FIXTURE_RELEASE } from './fixtures';
import { SynthStack } from './synth';
import { Tf } from './terraform';

// Shared with policies/checkov/plans.ts: scripts/terraform/plan.ts.
export { ALLOWED_WARNINGS, checkValidate, type PlannedStack } from '../../scripts/terraform/plan';

/** scripts/terraform/plan.ts's planStack, a managed stack with the fixture's release as the driver passes one. */
export function planStack(tf: Tf, stack: SynthStack, label: string): PlannedStack {
  return planWithVars(tf, stack, label, releaseVar(stack));
}

/** A managed stack's release (`-var release_image=…`), as the driver passes it; nothing for the others. */
export function releaseVar(stack: SynthStack, image = FIXTURE_RELEASE): string[] {
  return stack.json.variable?.[RELEASE_VARIABLE] === undefined
    ? []
    : ['-var', `${RELEASE_VARIABLE}=${image}`];
}

/** The plan's resource changes as `address: actions`. */
export function changes(plan: Record<string, any>): Record<string, string> {
  const entries = (plan.resource_changes ?? []).map((rc: any) => [
    rc.address,
    rc.change.actions.join(','),
  ]);
  return Object.fromEntries(entries);
}

/** A planned resource's values (`planned_values`, root module), by address. */
export function plannedValues(plan: Record<string, any>, address: string): Record<string, any> {
  const r = plan.planned_values.root_module.resources.find((x: any) => x.address === address);
  assert(r !== undefined, `no planned resource ${address}`);
  return r.values;
}
