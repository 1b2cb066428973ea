import { ApiError } from './errors';
import { etag } from './iam';
import { DoubleResponse, ok } from './request';
import { Store } from './store';

/** getIamPolicy/setIamPolicy on any resource key, with etags checked the way Google checks them. */
export function policyMethod(
  store: Store,
  key: string,
  method: string,
  body: Record<string, any>,
): DoubleResponse {
  const current = store.get(key) ?? { version: 1, etag: 'ACAB', bindings: [] };
  if (method === 'getIamPolicy') return ok(current);
  if (method !== 'setIamPolicy') throw new ApiError(400, `unknown method ${method}`);
  const next = body.policy ?? {};
  if (next.etag && next.etag !== current.etag)
    throw new ApiError(409, 'There were concurrent policy changes.', 'ABORTED', 'conflict');
  const stored = { version: next.version ?? 1, bindings: next.bindings ?? [], etag: etag(store) };
  store.put(key, stored);
  return ok(stored);
}

/** The policy's bindings as `role member` lines, sorted (for the test). */
export function bindingLines(policy: Record<string, any> | undefined): string[] {
  const bindings: { role: string; members: string[] }[] = policy?.bindings ?? [];
  return bindings.flatMap((b) => b.members.map((m) => `${b.role} ${m}`)).sort();
}
