/**
 * What a Terraform plan will do, for the people approving it: computed from `terraform show -json <planfile>`
 * (https://developer.hashicorp.com/terraform/internals/json-format), one stack at a time. Pure: no I/O.
 */
import { AttributeChange, diffAttributes, flatten, pathString } from '../../lib/flatten';
import type { ChangeAction } from './change-action';
import { exposureChanges } from './exposure';

export interface ResourceChangeLine {
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  /** Replacements only: the new object is created before the old one is destroyed. */
  readonly createBeforeDestroy: boolean;
  /** Why Terraform replaces, destroys or reads it (from `action_reason` and `replace_paths`). */
  readonly why?: string;
  /** Terraform's `replace_paths`: the attributes that force the replacement. */
  readonly replacePaths: readonly string[];
  /** Updates and replacements: each attribute that changes; unknown and sensitive values are never shown. */
  readonly attributes: readonly AttributeChange[];
  readonly previousAddress?: string;
  /** What is lost with it: a host's disk and Docker state, a static IP. */
  readonly loss?: string;
  /**
   * Destroyed or replaced although Google refuses to delete it (`deletion_protection` on; a data disk: attached to
   * a host whose deletion protection is on): Terraform
   * fails there, after deleting whatever it destroys first.
   */
  readonly deletionProtected: boolean;
}

export interface StackPlanSummary {
  readonly stack: string;
  readonly counts: {
    readonly add: number;
    readonly change: number;
    readonly replace: number;
    readonly destroy: number;
  };
  /** Every resource that changes, in plan order (Terraform sorts by address). */
  readonly changes: readonly ResourceChangeLine[];
  /** Changes to who and what can reach the hosts: firewall rules, SSH access, public IPs. */
  readonly exposure: readonly string[];
  /** Resources the plan leaves as they are. */
  readonly unchanged: number;
  /** Resources that changed outside Terraform since the last apply (`resource_drift`). */
  readonly drifted: number;
}

export class PlanFormatError extends Error {
  override name = 'PlanFormatError';
}

/** Shown where a value is only known after apply, and where Terraform marks it sensitive. */
export const UNKNOWN = '(known after apply)';
export const SENSITIVE = '(sensitive)';

const REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: 'it is tainted',
  replace_because_cannot_update: 'cannot change in place',
  replace_by_request: 'replacement requested (-replace)',
  replace_by_triggers: 'replace_triggered_by changed',
  delete_because_no_resource_config: 'no longer in the configuration',
  delete_because_wrong_repetition: 'count/for_each changed shape',
  delete_because_count_index: 'its count index is gone',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_module: 'its module is gone',
  delete_because_no_move_target: 'its moved block has no target',
  read_because_config_unknown: 'its configuration is known only after apply',
  read_because_dependency_pending: 'a dependency has pending changes',
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function actionOf(actions: readonly string[], previousAddress: unknown): ChangeAction | 'no-op' {
  const key = actions.join(',');
  switch (key) {
    case 'create':
    case 'update':
    case 'read':
    case 'forget':
      return key;
    case 'delete':
      return 'destroy';
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    case 'no-op':
      return typeof previousAddress === 'string' ? 'move' : 'no-op';
    default:
      throw new PlanFormatError(`unknown change.actions ${JSON.stringify(actions)}`);
  }
}

/** Whether `path` is `ancestor` or inside it. */
function under(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}

/** True where `marks` (before_sensitive, after_sensitive) has `true` at the path or above it. */
function marked(marks: unknown, path: string): boolean {
  if (marks === true) return true;
  return [...flatten(marks).entries()].some(
    ([p, v]) =>
      (v === true || (Array.isArray(v) && v.includes(true))) && (under(path, p) || under(p, path)),
  );
}

function attributeChanges(
  change: Json,
  action: ChangeAction,
  replacePaths: readonly string[],
): AttributeChange[] {
  const unknown = [...flatten(change.after_unknown).entries()]
    .filter(([, v]) => v === true)
    .map(([p]) => p);
  const isUnknown = (path: string) => unknown.some((p) => under(path, p));
  const hidden = (path: string) =>
    marked(change.before_sensitive, path) || marked(change.after_sensitive, path);
  return diffAttributes(change.before, change.after).flatMap((c): AttributeChange[] => {
    if (hidden(c.path)) return [{ path: c.path, before: SENSITIVE, after: SENSITIVE }];
    if (c.after !== undefined || !isUnknown(c.path)) return [c];
    // On a replacement every computed attribute (id, self_link, ...) becomes unknown: only what forces it counts.
    if (action === 'replace' && !replacePaths.some((p) => under(c.path, p))) return [];
    return [{ ...c, after: UNKNOWN }];
  });
}

function whyOf(
  action: ChangeAction,
  reason: unknown,
  replacePaths: readonly string[],
): string | undefined {
  const text = typeof reason === 'string' ? (REASONS[reason] ?? reason) : undefined;
  if (action === 'replace' && replacePaths.length > 0) {
    return `${replacePaths.join(', ')} ${reason === 'replace_because_cannot_update' || text === undefined ? 'cannot change in place' : `(${text})`}`;
  }
  return text;
}

/** What goes away with a replaced or destroyed resource, when that is more than the resource itself. */
function lossOf(type: string, action: ChangeAction, before: unknown): string | undefined {
  if (action !== 'replace' && action !== 'destroy') return undefined;
  const name = isObject(before) && typeof before.name === 'string' ? before.name : undefined;
  if (type === 'google_compute_instance') {
    const host = name ?? 'the host';
    // A data disk is its own resource: it is detached, kept, and attached to the new host.
    const attached =
      isObject(before) && Array.isArray(before.attached_disk) && before.attached_disk.length > 0;
    const kept = attached ? '; its data disk is kept' : '';
    return action === 'replace'
      ? `host ${host} is replaced: the host, its boot disk and its Docker state (containers, images, volumes) go away${attached ? '; its data disk is kept and attached to the new host' : ''}; a new host boots empty from the image family and the hosts step deploys the app again`
      : `host ${host} is destroyed: the host, its boot disk and its Docker state (containers, images, volumes) go away${kept}`;
  }
  if (type === 'google_compute_disk') {
    return `data disk ${name ?? ''} is ${action === 'replace' ? 'replaced' : 'destroyed'}: its data goes with it (only its snapshots remain)`;
  }
  if (type === 'google_compute_address') {
    const ip = isObject(before) && typeof before.address === 'string' ? ` ${before.address}` : '';
    return `static IP${ip}${name ? ` (${name})` : ''} is released: the host's public address changes (URLs, DOCKER_HOST, DNS)`;
  }
  return undefined;
}

function changeLine(
  rc: Json,
  change: Json,
  action: ChangeAction,
  protectedDisks: ReadonlySet<string>,
): ResourceChangeLine {
  const type = String(rc.type);
  const replacePaths = Array.isArray(change.replace_paths)
    ? change.replace_paths.map((p) => (Array.isArray(p) ? pathString(p) : String(p)))
    : [];
  return {
    address: String(rc.address),
    type,
    action,
    createBeforeDestroy: action === 'replace' && (change.actions as string[])[0] === 'create',
    why: whyOf(action, rc.action_reason, replacePaths),
    replacePaths,
    attributes:
      action === 'update' || action === 'replace'
        ? attributeChanges(change, action, replacePaths)
        : [],
    previousAddress: typeof rc.previous_address === 'string' ? rc.previous_address : undefined,
    loss: lossOf(type, action, change.before),
    deletionProtected:
      (action === 'destroy' || action === 'replace') &&
      isObject(change.before) &&
      (change.before.deletion_protection === true ||
        (type === 'google_compute_disk' && protectedDisks.has(String(change.before.self_link)))),
  };
}

/**
 * Self links of the disks attached to a deletion-protected instance, as the plan's prior state has them: Google
 * has no deletion protection for a disk, and a data disk is protected as its host is.
 */
export function protectedDiskLinks(resourceChanges: readonly Json[]): Set<string> {
  const links = resourceChanges
    .filter((rc) => rc.type === 'google_compute_instance' && isObject(rc.change))
    .map((rc) => (rc.change as Json).before)
    .filter((before): before is Json => isObject(before) && before.deletion_protection === true)
    .flatMap((before) => (Array.isArray(before.attached_disk) ? before.attached_disk : []))
    .filter(isObject)
    .map((disk) => String(disk.source));
  return new Set(links);
}

function checkFormat(plan: unknown, stack: string): Json {
  if (!isObject(plan))
    throw new PlanFormatError(
      `plan of stack "${stack}": not a JSON object (give terraform show -json output)`,
    );
  const version = plan.format_version;
  if (typeof version !== 'string' || !/^1\.\d+$/.test(version)) {
    throw new PlanFormatError(
      `plan of stack "${stack}": field "format_version" must be 1.x (got ${JSON.stringify(version)})`,
    );
  }
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) {
    throw new PlanFormatError(`plan of stack "${stack}": field "resource_changes" must be a list`);
  }
  return plan;
}

/** The summary of one stack's plan. Data sources that are read and no-ops are counted, not listed. */
export function summarizePlan(stack: string, plan: unknown): StackPlanSummary {
  const json = checkFormat(plan, stack);
  const changes: ResourceChangeLine[] = [];
  const exposure: string[] = [];
  let unchanged = 0;
  const all = (json.resource_changes ?? []) as unknown[];
  const protectedDisks = protectedDiskLinks(all.filter(isObject));
  for (const [i, rc] of all.entries()) {
    const change = isObject(rc) ? rc.change : undefined;
    if (!isObject(rc) || !isObject(change) || !Array.isArray(change.actions)) {
      throw new PlanFormatError(
        `plan of stack "${stack}": resource_changes[${i}] has no change.actions`,
      );
    }
    const action = actionOf(change.actions as string[], rc.previous_address);
    if (
      action === 'no-op' ||
      (action === 'read' && rc.mode === 'data' && rc.action_reason === undefined)
    ) {
      unchanged++;
      continue;
    }
    changes.push(changeLine(rc, change, action, protectedDisks));
    exposure.push(...exposureChanges(String(rc.type), action, change.before, change.after));
  }
  const count = (...actions: ChangeAction[]) =>
    changes.filter((c) => actions.includes(c.action)).length;
  return {
    stack,
    counts: {
      add: count('create'),
      change: count('update'),
      replace: count('replace'),
      destroy: count('destroy'),
    },
    changes,
    exposure,
    unchanged,
    drifted: Array.isArray(json.resource_drift) ? json.resource_drift.length : 0,
  };
}

/** Whether applying the plan would change anything. */
export function hasChanges(summary: StackPlanSummary): boolean {
  return summary.changes.some((c) => c.action !== 'read');
}

/** Whether the plan replaces or destroys a host: then approval means typing the environment name. */
/** The resources the plan deletes although their deletion protection is on. */
export function protectedDeletions(summary: StackPlanSummary): string[] {
  return summary.changes.filter((c) => c.deletionProtected).map((c) => c.address);
}

export function losesHost(summary: StackPlanSummary): boolean {
  return summary.changes.some(
    (c) =>
      c.type === 'google_compute_instance' && (c.action === 'replace' || c.action === 'destroy'),
  );
}
