import { policyMethod } from './policies';
import { DoubleRequest, DoubleResponse } from './request';
import { Store } from './store';

const POLICY = /^\/crm\/v1\/projects\/([^/:]+):(getIamPolicy|setIamPolicy)$/;

/** Cloud Resource Manager v1: the project's IAM policy. */
export function resourceManagerHandler(store: Store) {
  return (req: DoubleRequest): DoubleResponse | undefined => {
    const m = POLICY.exec(req.path);
    if (!m || req.method !== 'POST') return undefined;
    return policyMethod(store, `/crm/v1/projects/${m[1]}:policy`, m[2], req.body);
  };
}
