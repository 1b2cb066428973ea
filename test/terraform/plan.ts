import { assert } from './harness';

// Shared with policies/checkov/plans.ts: scripts/terraform/plan.ts.
export {
  ALLOWED_WARNINGS,
  checkValidate,
  planStack,
  type PlannedStack,
} from '../../scripts/terraform/plan';

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
