import { ApiError, notFound } from './errors';
import { DoubleRequest, DoubleResponse, ok } from './request';
import { Store } from './store';

const BUCKETS = /^\/storage\/v1\/b(?:\/([^/]+))?$/;

/** Makes a created bucket usable for objects elsewhere (fake-gcs-server holds the Terraform states). */
export type BucketHook = (name: string, project: string) => Promise<void>;

/**
 * Cloud Storage JSON API v1, bucket metadata only (the backend stack's state bucket): insert, get, patch, delete.
 * fake-gcs-server keeps a bucket's objects but not its metadata (location, lifecycle, labels), which the provider
 * reads back; so the double answers for the bucket and `hook` creates it on fake-gcs-server for the state.
 */
export function storageHandler(store: Store, hook: BucketHook | undefined) {
  return async (req: DoubleRequest): Promise<DoubleResponse | undefined> => {
    const m = BUCKETS.exec(req.path);
    if (!m) return undefined;
    const [, name] = m;
    if (!name) return req.method === 'POST' ? create(store, req, hook) : undefined;
    const key = `/storage/v1/b/${name}`;
    const bucket = store.get(key);
    if (!bucket) throw notFound(key);
    if (req.method === 'GET') return ok(bucket);
    if (req.method === 'DELETE') {
      store.delete(key);
      return { status: 204, body: '' };
    }
    if (req.method === 'PATCH') {
      Object.assign(bucket, req.body, { updated: new Date().toISOString() });
      bucket.metageneration = String(Number(bucket.metageneration) + 1);
      return ok(bucket);
    }
    return undefined;
  };
}

async function create(
  store: Store,
  req: DoubleRequest,
  hook: BucketHook | undefined,
): Promise<DoubleResponse> {
  const name = req.body.name;
  const project = req.query.get('project') ?? '';
  if (typeof name !== 'string') throw new ApiError(400, 'Required bucket name');
  const key = `/storage/v1/b/${name}`;
  if (store.get(key))
    throw new ApiError(
      409,
      'Your previous request to create the named bucket succeeded and you already own it.',
    );
  const now = new Date().toISOString();
  const location = String(req.body.location ?? 'US').toUpperCase();
  const bucket: Record<string, any> = {
    ...req.body,
    kind: 'storage#bucket',
    id: name,
    selfLink: `${req.base}${key}`,
    projectNumber: '100000000001',
    metageneration: '1',
    etag: 'CAE=',
    timeCreated: now,
    updated: now,
    location,
    locationType: /-/.test(location) ? 'region' : 'multi-region',
  };
  bucket.storageClass ??= 'STANDARD';
  store.put(key, bucket);
  if (hook) await hook(name, project);
  return ok(bucket);
}
