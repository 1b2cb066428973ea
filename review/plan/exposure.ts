/**
 * The lines of a plan summary that change who or what can reach the hosts: firewall rules, who can SSH
 * (IAP, OS Login, metadata keys, the IAM roles behind them) and public IPs. Pure.
 */
import {
  describeRule,
  rangeLabel,
  ruleAction,
  rulePorts,
  ruleSources,
  ruleTargets,
} from '../../policies/firewall';
import type { ChangeAction } from './change-action';

type Attrs = Readonly<Record<string, unknown>>;

/** IAM roles that let their members log in to the hosts. */
export const SSH_ROLES: Readonly<Record<string, string>> = {
  'roles/iap.tunnelResourceAccessor': 'SSH through an IAP tunnel',
  'roles/compute.osLogin': 'OS Login',
  'roles/compute.osAdminLogin': 'OS Login with sudo',
  'roles/compute.instanceAdmin.v1': 'instance admin (can add SSH keys)',
  'roles/compute.instanceAdmin': 'instance admin (can add SSH keys)',
};

const IAM_TYPES =
  /^google_(project|iap_tunnel|iap_tunnel_instance|compute_instance)_iam_(member|binding)$/;

function obj(value: unknown): Attrs | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Attrs)
    : undefined;
}

function nameOf(attrs: Attrs | undefined, fallback: string): string {
  return typeof attrs?.name === 'string' ? attrs.name : fallback;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function labelled(values: string[]): string {
  return values.length === 0 ? '(none)' : values.map(rangeLabel).join(', ');
}

function firewall(action: ChangeAction, before?: Attrs, after?: Attrs): string[] {
  const name = nameOf(after ?? before, '(unnamed)');
  if (before === undefined && after !== undefined)
    return [`new firewall rule ${name}: ${describeRule(after)}`];
  if (after === undefined && before !== undefined)
    return [`firewall rule ${name} removed (was: ${describeRule(before)})`];
  if (before === undefined || after === undefined) return [];
  const lines: string[] = [];
  const field = (label: string, was: string, now: string) => {
    if (was !== now) lines.push(`firewall rule ${name}: ${label} ${was} → ${now}`);
  };
  field(
    'action and ports',
    `${ruleAction(before)} ${rulePorts(before)}`,
    `${ruleAction(after)} ${rulePorts(after)}`,
  );
  field('sources', labelled(ruleSources(before)), labelled(ruleSources(after)));
  field('targets', ruleTargets(before), ruleTargets(after));
  field('direction', String(before.direction ?? 'INGRESS'), String(after.direction ?? 'INGRESS'));
  field('priority', String(before.priority ?? 1000), String(after.priority ?? 1000));
  field('disabled', String(before.disabled === true), String(after.disabled === true));
  if (action === 'replace' && lines.length === 0)
    lines.push(`firewall rule ${name} is replaced: ${describeRule(after)}`);
  return lines;
}

function metadataOf(attrs: Attrs | undefined): Attrs {
  return obj(attrs?.metadata) ?? {};
}

/** `deploy, ops` from `deploy:ssh-ed25519 AAAA… deploy@x\nops:ssh-rsa …`: who, never the keys. */
export function sshKeyUsers(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') return '(none)';
  return value
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(':')[0])
    .join(', ');
}

function hasPublicIp(attrs: Attrs | undefined): boolean {
  const nics = Array.isArray(attrs?.network_interface) ? (attrs.network_interface as Attrs[]) : [];
  return nics.some((n) => Array.isArray(n?.access_config) && n.access_config.length > 0);
}

function sshMetadata(where: string, before: Attrs, after: Attrs): string[] {
  const lines: string[] = [];
  const flag = (v: unknown) =>
    typeof v === 'string' ? v.toUpperCase() : v === undefined ? '(unset)' : String(v);
  if (!same(before['enable-oslogin'], after['enable-oslogin'])) {
    lines.push(
      `${where}: OS Login (enable-oslogin) ${flag(before['enable-oslogin'])} → ${flag(after['enable-oslogin'])}`,
    );
  }
  if (!same(before['ssh-keys'], after['ssh-keys'])) {
    lines.push(
      `${where}: SSH keys in metadata for ${sshKeyUsers(before['ssh-keys'])} → ${sshKeyUsers(after['ssh-keys'])}`,
    );
  }
  if (!same(before['block-project-ssh-keys'], after['block-project-ssh-keys'])) {
    lines.push(
      `${where}: block-project-ssh-keys ${flag(before['block-project-ssh-keys'])} → ${flag(after['block-project-ssh-keys'])} (project-wide keys ${flag(after['block-project-ssh-keys']) === 'TRUE' ? 'refused' : 'accepted'})`,
    );
  }
  return lines;
}

function instance(before?: Attrs, after?: Attrs): string[] {
  const where = `host ${nameOf(after ?? before, 'instance')}`;
  if (after === undefined)
    return hasPublicIp(before) ? [`${where}: public IP removed (host destroyed)`] : [];
  const lines = sshMetadata(where, metadataOf(before), metadataOf(after));
  const was = before !== undefined && hasPublicIp(before);
  const now = hasPublicIp(after);
  if (!was && now) lines.push(`${where}: public IP added (access_config)`);
  if (was && !now) lines.push(`${where}: public IP removed`);
  return lines;
}

function projectMetadata(before?: Attrs, after?: Attrs): string[] {
  const asMap = (a?: Attrs): Attrs =>
    a === undefined ? {} : typeof a.key === 'string' ? { [a.key]: a.value } : metadataOf(a);
  return sshMetadata('project metadata', asMap(before), asMap(after));
}

function iam(before?: Attrs, after?: Attrs): string[] {
  const members = (a?: Attrs): string[] =>
    a === undefined
      ? []
      : typeof a.member === 'string'
        ? [a.member]
        : Array.isArray(a.members)
          ? a.members.map(String)
          : [];
  const role = String((after ?? before)?.role ?? '');
  const meaning = SSH_ROLES[role];
  if (meaning === undefined) return [];
  const was = members(before);
  const now = members(after);
  return [
    ...now
      .filter((m) => !was.includes(m))
      .map((m) => `who can SSH: ${m} gains ${role} (${meaning})`),
    ...was
      .filter((m) => !now.includes(m))
      .map((m) => `who can SSH: ${m} loses ${role} (${meaning})`),
  ];
}

/** The exposure lines of one resource change. */
export function exposureChanges(
  type: string,
  action: ChangeAction,
  before: unknown,
  after: unknown,
): string[] {
  const b = action === 'create' ? undefined : obj(before);
  const a = action === 'destroy' ? undefined : obj(after);
  if (type === 'google_compute_firewall') return firewall(action, b, a);
  if (type === 'google_compute_instance') return instance(b, a);
  if (
    type === 'google_compute_project_metadata' ||
    type === 'google_compute_project_metadata_item'
  ) {
    return projectMetadata(b, a);
  }
  if (IAM_TYPES.test(type)) return iam(b, a);
  return [];
}
