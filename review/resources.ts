/** What a reviewer checks in each stack: its state location, its hosts' settings, every other resource. */
import { SynthesizedStack } from '../policies/rules';
import { snapshotPhrase } from './data';
import { sshKeyUsers } from './plan/exposure';
import { Block, Section } from './document';
import {
  Attrs,
  backendOf,
  block,
  reference,
  resource,
  resources,
  serviceAccountEmail,
  strings,
} from './stack-json';

function imageFamily(image: unknown): string {
  const m =
    typeof image === 'string'
      ? /^projects\/([^/]+)\/global\/images\/family\/(.+)$/.exec(image)
      : null;
  return m === null ? String(image) : `${m[2]} (project ${m[1]})`;
}

function labels(value: unknown): string {
  const entries = Object.entries((value as Attrs | undefined) ?? {});
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

function publicIp(stack: SynthesizedStack, attrs: Attrs): string {
  const nic = block(attrs.network_interface);
  const access = block(nic?.access_config);
  if (access === undefined) return 'none';
  const ref = reference(access.nat_ip);
  const address = ref === undefined ? undefined : resource(stack, ref.address);
  return address === undefined ? 'ephemeral' : `static ${String(address.name)}`;
}

function logins(attrs: Attrs): string {
  const metadata = (attrs.metadata as Attrs | undefined) ?? {};
  if (String(metadata['enable-oslogin']).toUpperCase() === 'TRUE') return 'OS Login';
  const users = sshKeyUsers(metadata['ssh-keys']);
  return users === '(none)' ? 'no metadata key' : `metadata key: ${users}`;
}

function scopes(value: unknown): string {
  return strings(value)
    .map((s) => s.replace('https://www.googleapis.com/auth/', ''))
    .join(', ');
}

export function hostRows(stack: SynthesizedStack): string[][] {
  return fixedHostRows(stack).concat(templateRows(stack));
}

/** A managed group's hosts, all at once: its instance template (Google names and counts the hosts). */
function templateRows(stack: SynthesizedStack): string[][] {
  return resources(stack, 'google_compute_region_instance_template').map(([, a]) => {
    const disk = block(a.disk) ?? {};
    const account = block(a.service_account) ?? {};
    return [
      `${String(a.name_prefix)}* (managed group)`,
      String(a.machine_type),
      `${String(a.region)} (every zone)`,
      `${String(disk.disk_size_gb)} GB ${String(disk.disk_type ?? '')}`.trim(),
      imageFamily(disk.source_image),
      serviceAccountEmail(stack, account.email),
      scopes(account.scopes),
      labels(a.labels),
      publicIp(stack, a),
      logins(a),
    ];
  });
}

function fixedHostRows(stack: SynthesizedStack): string[][] {
  return resources(stack, 'google_compute_instance').map(([, a]) => {
    const disk = block(block(a.boot_disk)?.initialize_params) ?? {};
    const account = block(a.service_account) ?? {};
    return [
      String(a.name),
      String(a.machine_type),
      String(a.zone),
      `${String(disk.size)} GB ${String(disk.type ?? '')}`.trim(),
      imageFamily(disk.image),
      serviceAccountEmail(stack, account.email),
      scopes(account.scopes),
      labels(a.labels),
      publicIp(stack, a),
      logins(a),
    ];
  });
}

/** One line of settings for a resource that is not a host or a firewall rule. */
function settings(stack: SynthesizedStack, type: string, a: Attrs): string {
  switch (type) {
    case 'google_service_account':
      return `account_id ${String(a.account_id)}`;
    case 'google_project_iam_member':
      return `${String(a.role)} for ${serviceAccountEmail(stack, a.member)}`;
    case 'google_compute_address':
      return `${String(a.name)}, ${String(a.address_type ?? 'EXTERNAL')}, ${String(a.network_tier ?? '')}`;
    case 'google_storage_bucket':
      return `${String(a.name)} in ${String(a.location)}, versioning ${String(block(a.versioning)?.enabled)}, prevent_destroy ${String(block(a.lifecycle)?.prevent_destroy === true)}`;
    case 'google_artifact_registry_repository':
      return `${String(a.repository_id)} (${String(a.format)}) in ${String(a.location)}, ${cleanup(a.cleanup_policies)}`;
    case 'google_compute_region_instance_group_manager':
      return managedGroup(a);
    case 'google_compute_region_autoscaler': {
      const p = block(a.autoscaling_policy) ?? {};
      const cpu = block(p.cpu_utilization)?.target;
      const lb = block(p.load_balancing_utilization)?.target;
      const target = cpu === undefined ? `load balancing ${String(lb)}` : `CPU ${String(cpu)}`;
      return `${String(p.min_replicas)} to ${String(p.max_replicas)} hosts at ${target}`;
    }
    case 'google_artifact_registry_repository_iam_member':
      return `${String(a.role)} on repository ${String(a.repository)} only, for ${serviceAccountEmail(stack, a.member)}`;
    case 'google_compute_disk':
      return `${String(a.name)}, ${String(a.size)} GB ${String(a.type)}`;
    case 'google_compute_resource_policy':
      return `${String(a.name)}: snapshots ${snapshotPhrase(a)}`;
    case 'google_compute_disk_resource_policy_attachment':
      return `${named(stack, a.name)} on ${named(stack, a.disk)}`;
    case 'google_secret_manager_secret_iam_member':
      return `${String(a.role)} on secret ${String(a.secret_id)} only, for ${serviceAccountEmail(stack, a.member)}`;
    default:
      return String(a.name ?? '');
  }
}

/** A managed group in one phrase: its zones, autohealing and rolling update. */
function managedGroup(a: Attrs): string {
  const healing = block(a.auto_healing_policies);
  const u = block(a.update_policy) ?? {};
  const surge = u.max_surge_fixed ?? `${String(u.max_surge_percent)}%`;
  return (
    `${String(a.name)} over ${strings(a.distribution_policy_zones).join(', ')}; ` +
    `${healing === undefined ? 'NO autohealing' : `autohealing after ${String(healing.initial_delay_sec)} s`}; ` +
    `${String(u.type)} rollout, max unavailable ${String(u.max_unavailable_fixed)}, surge ${String(surge)}`
  );
}

/** The name a reference points at (`${google_compute_disk.x.name}` → that disk's name), else the value. */
function named(stack: SynthesizedStack, value: unknown): string {
  const ref = reference(value);
  const target = ref === undefined ? undefined : resource(stack, ref.address);
  return target === undefined ? String(value) : String(target.name);
}

/** A repository's cleanup policies in one phrase: what is kept, what is deleted after how long. */
function cleanup(value: unknown): string {
  const policies = Array.isArray(value) ? (value as Attrs[]) : [];
  if (policies.length === 0) return 'no cleanup policy';
  const days = (older: unknown) => `${Math.round(parseInt(String(older), 10) / 86_400)} days`;
  return policies
    .map((p) => {
      const keep = block(p.most_recent_versions)?.keep_count;
      if (p.action === 'KEEP') return `keep the ${String(keep)} most recent versions`;
      const c = block(p.condition) ?? {};
      return `delete ${String(c.tag_state).toLowerCase()} after ${days(c.older_than)}`;
    })
    .join('; ');
}

export function resourcesSection(stack: SynthesizedStack): Section {
  const hosts = hostRows(stack);
  const others = resources(stack).filter(
    ([address]) => !/^google_compute_(instance|firewall)\./.test(address),
  );
  const blocks: Block[] = [{ kind: 'lines', lines: [`state: ${backendOf(stack)}`] }];
  if (hosts.length > 0) {
    blocks.push({
      kind: 'table',
      head: [
        'host',
        'machine type',
        'zone',
        'disk',
        'image family',
        'service account',
        'scopes',
        'labels',
        'public IP',
        'SSH logins',
      ],
      rows: hosts,
    });
  }
  blocks.push({
    kind: 'table',
    head: ['resource', 'settings'],
    rows: others.map(([address, a]) => [address, settings(stack, address.split('.')[0], a)]),
  });
  const count = resources(stack).length;
  return {
    title: `Resources: ${stack.name}`,
    summary: `${count} ${count === 1 ? 'resource' : 'resources'}, ${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'}; state ${backendOf(stack)}`,
    blocks,
    // Settings a reviewer reads once; the policies, exposure, changes and plan are what a PR comment is for.
    cutFirst: true,
  };
}
