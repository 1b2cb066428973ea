import { notFound } from './errors';
import { policyMethod } from './policies';
import { DoubleRequest, DoubleResponse, ok } from './request';
import { Store } from './store';

const SECRETS = /^\/sm\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)(?::(getIamPolicy|setIamPolicy))?$/;

/** The store key of a secret; its IAM policy is `<key>:policy`. */
export function secretKey(project: string, id: string): string {
  return `/sm/v1/projects/${project}/secrets/${id}`;
}

/**
 * Secret Manager v1: the secrets an operator created (publishSecret: the stacks never create one, and the double
 * holds no value) and their IAM policies, which the stacks' secretAccessor grants read and write.
 */
export function secretManagerHandler(store: Store) {
  return (req: DoubleRequest): DoubleResponse | undefined => {
    const m = SECRETS.exec(req.path);
    if (!m) return undefined;
    const [, project, id, method] = m;
    const key = secretKey(project, id);
    const secret = store.get(key);
    if (!secret) throw notFound(key);
    if (method) return policyMethod(store, `${key}:policy`, method, req.body);
    return req.method === 'GET' ? ok(secret) : undefined;
  };
}
