import { Store } from './store';

/** What the test sets to shape operations: polls before DONE, and one to end in an error. */
export interface OperationPlan {
  pendingPolls: number;
  /** The next operation whose target link contains `target` ends in this error (once). */
  failure?: { readonly target: string; readonly code: string; readonly message: string };
}

/**
 * A Compute operation for a change to `target` (a self link), stored under `scope/operations/<name>`.
 * It is DONE at once, or PENDING for `pendingPolls` reads; `plan.failure` makes one end in an error.
 */
export function startOperation(
  store: Store,
  plan: OperationPlan,
  scopeLink: string,
  type: string,
  target: string,
): Record<string, any> {
  const id = store.id();
  const name = `operation-${id}`;
  const op: Record<string, any> = {
    kind: 'compute#operation',
    id,
    name,
    operationType: type,
    targetLink: target,
    targetId: id,
    status: plan.pendingPolls > 0 ? 'PENDING' : 'DONE',
    progress: plan.pendingPolls > 0 ? 0 : 100,
    insertTime: new Date().toISOString(),
    selfLink: `${scopeLink}/operations/${name}`,
    pollsLeft: plan.pendingPolls,
  };
  scopeFields(op, scopeLink);
  if (plan.failure && target.includes(plan.failure.target)) {
    op.error = { errors: [{ code: plan.failure.code, message: plan.failure.message }] };
    op.httpErrorStatusCode = 400;
    plan.failure = undefined;
  }
  store.put(`${pathOf(scopeLink)}/operations/${name}`, op);
  return visible(op);
}

/** Reads an operation, counting one poll off a pending one. */
export function pollOperation(op: Record<string, any>): Record<string, any> {
  if (op.pollsLeft > 0) op.pollsLeft--;
  if (op.pollsLeft === 0) {
    op.status = 'DONE';
    op.progress = 100;
  } else op.status = 'RUNNING';
  return visible(op);
}

function visible(op: Record<string, any>): Record<string, any> {
  const copy = { ...op };
  delete copy.pollsLeft;
  return copy;
}

function scopeFields(op: Record<string, any>, scopeLink: string): void {
  const zone = /\/zones\/[^/]+$/.exec(scopeLink);
  const region = /\/regions\/[^/]+$/.exec(scopeLink);
  if (zone) op.zone = scopeLink;
  if (region) op.region = scopeLink;
}

/** The store path of a self link: its URL path, which starts with the API's prefix. */
export function pathOf(link: string): string {
  return new URL(link).pathname;
}
