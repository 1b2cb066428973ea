import { ApiError, notFound } from './errors';
import { policyMethod } from './policies';
import { DoubleRequest, DoubleResponse, ok } from './request';
import { Store } from './store';

const REPOS =
  /^\/ar\/v1\/(projects\/[^/]+\/locations\/[^/]+)\/repositories(?:\/([^/:]+))?(?::(getIamPolicy|setIamPolicy))?$/;

/** Artifact Registry v1: repositories (long-running operations, done at once) and their IAM policy. */
export function artifactRegistryHandler(store: Store) {
  return (req: DoubleRequest): DoubleResponse | undefined => {
    const m = REPOS.exec(req.path);
    if (!m) return undefined;
    const [, parent, id, policy] = m;
    if (!id) return req.method === 'POST' ? create(store, req, parent) : undefined;
    const key = `/ar/v1/${parent}/repositories/${id}`;
    const repo = store.get(key);
    if (!repo) throw notFound(key);
    if (policy) return policyMethod(store, `${key}:policy`, policy, req.body);
    if (req.method === 'GET') return ok(repo);
    if (req.method === 'DELETE') {
      store.delete(key);
      store.delete(`${key}:policy`);
      return done(store, parent, {});
    }
    if (req.method === 'PATCH') {
      Object.assign(repo, req.body, { updateTime: new Date().toISOString() });
      return ok(repo);
    }
    return undefined;
  };
}

function create(store: Store, req: DoubleRequest, parent: string): DoubleResponse {
  const id = req.query.get('repositoryId') ?? req.query.get('repository_id');
  if (!id) throw new ApiError(400, 'repositoryId is required');
  const key = `/ar/v1/${parent}/repositories/${id}`;
  if (store.get(key)) throw new ApiError(409, `the repository ${id} already exists`);
  const now = new Date().toISOString();
  const repo: Record<string, any> = {
    ...req.body,
    name: `${parent}/repositories/${id}`,
    createTime: now,
    updateTime: now,
  };
  repo.mode ??= 'STANDARD_REPOSITORY';
  store.put(key, repo);
  return done(store, parent, repo);
}

function done(store: Store, parent: string, response: Record<string, any>): DoubleResponse {
  return ok({ name: `${parent}/operations/${store.id()}`, done: true, response });
}
