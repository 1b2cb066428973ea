import { ApiError, notFound } from './errors';
import { DoubleRequest, DoubleResponse, ok } from './request';
import { Store } from './store';

const ACCOUNTS = /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts(?:\/([^/:]+))?$/;

/** IAM v1 projects.serviceAccounts: create, get, patch, delete. */
export function iamHandler(store: Store) {
  return (req: DoubleRequest): DoubleResponse | undefined => {
    const m = ACCOUNTS.exec(req.path);
    if (!m) return undefined;
    const [, project, email] = m;
    if (!email) return req.method === 'POST' ? create(store, req, project) : undefined;
    const key = `/iam/v1/projects/${project}/serviceAccounts/${email}`;
    const account = store.get(key);
    if (!account) throw notFound(key);
    if (req.method === 'GET') return ok(account);
    if (req.method === 'DELETE') {
      store.delete(key);
      return ok({});
    }
    if (req.method === 'PATCH') {
      Object.assign(account, req.body.serviceAccount ?? {}, { etag: etag(store) });
      return ok(account);
    }
    return undefined;
  };
}

function create(store: Store, req: DoubleRequest, project: string): DoubleResponse {
  const email = `${req.body.accountId}@${project}.iam.gserviceaccount.com`;
  const key = `/iam/v1/projects/${project}/serviceAccounts/${email}`;
  if (store.get(key))
    throw new ApiError(409, `Service account ${req.body.accountId} already exists`);
  const account = {
    ...req.body.serviceAccount,
    name: `projects/${project}/serviceAccounts/${email}`,
    projectId: project,
    uniqueId: `1${store.id()}`,
    email,
    etag: etag(store),
    oauth2ClientId: store.id(),
  };
  store.put(key, account);
  return ok(account);
}

export function etag(store: Store): string {
  return Buffer.from(`etag-${store.id()}`).toString('base64');
}
