import { AddressPool } from './addresses';
import { collectionDefaults, policyLink } from './compute-defaults';
import { dropEmptyMessages, refuseTemplateInUse } from './compute-rules';
import { ApiError, notFound } from './errors';
import { OperationPlan, pathOf, pollOperation, startOperation } from './operations';
import { DoubleRequest, DoubleResponse, ok } from './request';
import { Store } from './store';

const PREFIX = '/compute/v1';
const SCOPED =
  /^\/projects\/([^/]+)\/(zones\/[^/]+|regions\/[^/]+|global)\/([A-Za-z]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

const PLACE = /^\/projects\/[^/]+\/(zones|regions)\/([^/]+)$/;

/** Compute v1: one generic collection store for every collection the stacks use, and their operations. */
export function computeHandler(store: Store, plan: OperationPlan, addresses: AddressPool) {
  return (req: DoubleRequest): DoubleResponse | undefined => {
    if (!req.path.startsWith(`${PREFIX}/`)) return undefined;
    const place = PLACE.exec(req.path.slice(PREFIX.length));
    if (place && req.method === 'GET') return ok(placeOf(req, place[1], place[2]));
    const m = SCOPED.exec(req.path.slice(PREFIX.length));
    if (!m) return undefined;
    const [, project, scope, collection, name, action] = m;
    const scopeLink = `${req.base}${PREFIX}/projects/${project}/${scope}`;
    const at = { store, plan, addresses, scopeLink, collection, req };
    if (collection === 'operations' && name) return operation(at, name);
    if (collection === 'images' && name === 'family' && action) return family(at, action);
    if (!name)
      return req.method === 'POST' ? insert(at) : req.method === 'GET' ? list(at) : undefined;
    if (action) return req.method === 'POST' ? act(at, name, action) : undefined;
    return single(at, name);
  };
}

/** A zone or region, UP, as the provider reads it before creating an instance. */
function placeOf(req: DoubleRequest, kind: string, name: string): Record<string, any> {
  return {
    kind: `compute#${kind.replace(/s$/, '')}`,
    name,
    status: 'UP',
    selfLink: `${req.base}${req.path}`,
  };
}

interface At {
  readonly store: Store;
  readonly plan: OperationPlan;
  readonly addresses: AddressPool;
  readonly scopeLink: string;
  readonly collection: string;
  readonly req: DoubleRequest;
}

function single(at: At, name: string): DoubleResponse | undefined {
  const link = `${at.scopeLink}/${at.collection}/${name}`;
  const current = at.store.get(pathOf(link));
  if (!current) throw notFound(pathOf(link));
  if (at.req.method === 'GET') return ok(current);
  if (at.req.method === 'DELETE') {
    refuseTemplateInUse(at.store, link);
    at.store.delete(pathOf(link));
    return op(at, 'delete', link);
  }
  if (at.req.method === 'PATCH' || at.req.method === 'PUT') {
    const next = at.req.method === 'PUT' ? { ...at.req.body } : { ...current, ...at.req.body };
    keepIdentity(next, current);
    dropEmptyMessages(next);
    at.store.put(pathOf(link), next);
    return op(at, at.req.method === 'PUT' ? 'update' : 'patch', link);
  }
  return undefined;
}

function insert(at: At): DoubleResponse {
  const name = at.req.body.name;
  if (typeof name !== 'string')
    throw new ApiError(400, `Required field 'resource.name' not specified`);
  const link = `${at.scopeLink}/${at.collection}/${name}`;
  if (at.store.get(pathOf(link)))
    throw new ApiError(409, `The resource '${pathOf(link)}' already exists`);
  const res: Record<string, any> = { ...at.req.body };
  res.kind = `compute#${at.collection.replace(/s$/, '')}`;
  res.id = at.store.id();
  res.selfLink = link;
  res.creationTimestamp = new Date().toISOString();
  if (res.labels !== undefined || at.collection === 'instances')
    res.labelFingerprint = fingerprint();
  res.fingerprint = fingerprint();
  if (at.scopeLink.includes('/zones/')) res.zone = at.scopeLink;
  if (at.scopeLink.includes('/regions/')) res.region = at.scopeLink;
  collectionDefaults(at.collection, res, link, at.addresses);
  dropEmptyMessages(res);
  at.store.put(pathOf(link), res);
  const operation = startOperation(at.store, at.plan, at.scopeLink, 'insert', link);
  if (operation.error) at.store.delete(pathOf(link)); // an insert that fails leaves nothing behind
  return ok(operation);
}

function list(at: At): DoubleResponse {
  const items = at.store.list(pathOf(`${at.scopeLink}/${at.collection}`));
  return ok({
    kind: `compute#${at.collection}List`,
    items,
    selfLink: `${at.scopeLink}/${at.collection}`,
  });
}

function operation(at: At, name: string): DoubleResponse {
  const stored = at.store.get(pathOf(`${at.scopeLink}/operations/${name.replace(/\/wait$/, '')}`));
  if (!stored) throw notFound(at.req.path);
  return ok(pollOperation(stored));
}

function family(at: At, name: string): DoubleResponse {
  const image = at.store.list(pathOf(`${at.scopeLink}/images`)).find((i) => i.family === name);
  if (!image) throw notFound(at.req.path);
  return ok(image);
}

function act(at: At, name: string, action: string): DoubleResponse | undefined {
  const link = `${at.scopeLink}/${at.collection}/${name}`;
  const res = at.store.get(pathOf(link));
  if (!res) throw notFound(pathOf(link));
  if (action === 'listInstances') return ok({ items: res.members ?? [] });
  if (!applyAction(res, action, at.req)) return undefined;
  return op(at, action, link);
}

/** Applies a custom method's change; false for a method the double does not know. */
function applyAction(res: Record<string, any>, action: string, req: DoubleRequest): boolean {
  const body = req.body;
  if (action === 'addAccessConfig' || action === 'deleteAccessConfig')
    return accessConfig(res, action, req);
  if (action === 'setLabels') {
    res.labels = body.labels;
    res.labelFingerprint = fingerprint();
  } else if (action === 'setMetadata') res.metadata = { ...body, fingerprint: fingerprint() };
  else if (action === 'setTags') res.tags = { ...body, fingerprint: fingerprint() };
  else if (action === 'setNamedPorts') res.namedPorts = body.namedPorts;
  else if (action === 'addInstances') res.members = [...(res.members ?? []), ...body.instances];
  else if (action === 'removeInstances') res.members = remove(res.members, body.instances);
  else if (action === 'setServiceAccount') res.serviceAccounts = [body];
  else if (action === 'setDeletionProtection') res.deletionProtection = true;
  else if (action === 'addResourcePolicies' || action === 'removeResourcePolicies')
    res.resourcePolicies = diskPolicies(res, action, body.resourcePolicies ?? []);
  else return false;
  return true;
}

/** instances.addAccessConfig / deleteAccessConfig on the interface named by the `networkInterface` query. */
function accessConfig(res: Record<string, any>, action: string, req: DoubleRequest): boolean {
  const nic = (res.networkInterfaces ?? []).find(
    (n: any) => n.name === req.query.get('networkInterface'),
  );
  if (!nic) throw new ApiError(400, `no network interface ${req.query.get('networkInterface')}`);
  const others = (nic.accessConfigs ?? []).filter(
    (c: any) => c.name !== req.query.get('accessConfig'),
  );
  nic.accessConfigs = action === 'addAccessConfig' ? [...others, req.body] : others;
  nic.fingerprint = fingerprint();
  return true;
}

/** disks.addResourcePolicies / removeResourcePolicies: the disk's policies as full links, each once. */
function diskPolicies(res: Record<string, any>, action: string, given: string[]): string[] {
  const zoneLink = String(res.zone);
  const links = given.map((p) => policyLink(p, zoneLink));
  const current: string[] = res.resourcePolicies ?? [];
  if (action === 'removeResourcePolicies') return current.filter((p) => !links.includes(p));
  return [...current, ...links.filter((p) => !current.includes(p))];
}

function remove(
  members: { instance: string }[] = [],
  gone: { instance: string }[],
): { instance: string }[] {
  const names = new Set(gone.map((g) => g.instance));
  return members.filter((m) => !names.has(m.instance));
}

function keepIdentity(next: Record<string, any>, current: Record<string, any>): void {
  for (const key of ['kind', 'id', 'selfLink', 'creationTimestamp', 'zone', 'region'])
    next[key] = current[key];
  next.fingerprint = fingerprint();
}

function op(at: At, type: string, target: string): DoubleResponse {
  return ok(startOperation(at.store, at.plan, at.scopeLink, type, target));
}

let fingerprints = 0;
function fingerprint(): string {
  return Buffer.from(`fp-${fingerprints++}`).toString('base64');
}
