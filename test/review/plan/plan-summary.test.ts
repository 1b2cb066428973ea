import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlanMarkdown, renderPlanText } from '../../../review/plan/render';
import {
  hasChanges,
  losesHost,
  PlanFormatError,
  protectedDeletions,
  SENSITIVE,
  summarizePlan,
  UNKNOWN,
} from '../../../review/plan/summary';

/** `terraform show -json` output: real ones (terraform_data, made offline with Terraform 1.11) and google ones. */
function fixture(name: string): any {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'fixtures', 'plans', `${name}.json`), 'utf8'),
  );
}

function plan(resourceChanges: unknown[]): any {
  return { format_version: '1.2', terraform_version: '1.11.4', resource_changes: resourceChanges };
}

describe('a real plan made offline by Terraform 1.11 (terraform_data)', () => {
  const s = summarizePlan('stage', fixture('real-terraform-data-changes'));

  test('counts each kind of change and lists them in address order', () => {
    expect(s.counts).toEqual({ add: 1, change: 1, replace: 1, destroy: 1 });
    expect(s.unchanged).toBe(1);
    expect(s.changes.map((c) => [c.address, c.action])).toEqual([
      ['terraform_data.gone', 'destroy'],
      ['terraform_data.new', 'create'],
      ['terraform_data.rep', 'replace'],
      ['terraform_data.upd', 'update'],
    ]);
  });

  test('a replacement says which attribute forces it; a destroy says why', () => {
    const rep = s.changes.find((c) => c.address === 'terraform_data.rep')!;
    expect(rep.replacePaths).toEqual(['triggers_replace']);
    expect(rep.why).toBe('triggers_replace cannot change in place');
    expect(rep.attributes).toEqual([{ path: 'triggers_replace', before: ['m1'], after: ['m2'] }]);
    expect(s.changes[0].why).toBe('no longer in the configuration');
  });

  test('an update shows old and new values, and values known only after apply as such', () => {
    const upd = s.changes.find((c) => c.address === 'terraform_data.upd')!;
    expect(upd.attributes).toEqual([
      { path: 'input', before: 'v1', after: 'v2' },
      { path: 'output', before: 'v1', after: UNKNOWN },
    ]);
  });

  test('the no-op plan says "no changes"', () => {
    const noop = summarizePlan('stage', fixture('real-terraform-data-noop'));
    expect(hasChanges(noop)).toBe(false);
    expect(renderPlanText(noop)).toBe('stage: no changes (4 resources up to date)\n');
  });
});

/** Plans the real hashicorp/google 6.50.0 made (npm run fixtures:plans): prod, two hosts on public IPs. */
describe('real google plans', () => {
  const rows = (name: string) =>
    summarizePlan('prod', fixture(name)).changes.map((c) => [c.address, c.action]);
  const host = (n: string) => `google_compute_instance.fleet_docker-host-${n}`;
  const ip = (n: string) => `google_compute_address.fleet_docker-host-${n}_address`;

  test('create: counts, and the exposure a new host brings (firewall rules, SSH logins, public IP)', () => {
    const s = summarizePlan('prod', fixture('google-create'));
    expect(s.counts).toEqual({ add: 11, change: 0, replace: 0, destroy: 0 });
    expect(losesHost(s)).toBe(false);
    expect(s.exposure).toContain(
      'new firewall rule prod-docker-hosts-allow-ssh: INGRESS allow tcp:22 from 35.235.240.0/20 (Google IAP) to tag docker-host-prod, priority 1000',
    );
    expect(s.exposure).toContain('host docker-host-002: public IP added (access_config)');
    expect(s.exposure).toContain('host docker-host-001: SSH keys in metadata for (none) → deploy');
  });

  test('update in place: the machine type of each host, nothing replaced', () => {
    const s = summarizePlan('prod', fixture('google-update'));
    expect(s.counts).toEqual({ add: 0, change: 2, replace: 0, destroy: 0 });
    expect(rows('google-update')).toEqual([
      [host('001'), 'update'],
      [host('002'), 'update'],
    ]);
    expect(s.changes[0].attributes).toContainEqual({
      path: 'machine_type',
      before: 'e2-small',
      after: 'e2-medium',
    });
    expect(losesHost(s)).toBe(false);
  });

  test('a label changes the hosts in place: the boot disk keeps the labels it was created with', () => {
    const s = summarizePlan('prod', fixture('google-relabel'));
    expect(s.counts).toEqual({ add: 0, change: 4, replace: 0, destroy: 0 });
    expect(losesHost(s)).toBe(false);
    for (const address of [ip('001'), host('001'), host('002')]) {
      expect(s.changes.find((c) => c.address === address)!.action).toBe('update');
    }
  });

  test('replace: the host, its disk and its Docker state go away, and why (replace_paths)', () => {
    const s = summarizePlan('prod', fixture('google-replace'));
    expect(s.counts).toEqual({ add: 0, change: 0, replace: 2, destroy: 0 });
    expect(losesHost(s)).toBe(true);
    const [first] = s.changes;
    expect(first.replacePaths).toEqual(['zone']);
    expect(first.why).toBe('zone cannot change in place');
    // Computed attributes that become unknown on any replacement are noise: only what forces it is listed.
    expect(first.attributes).toEqual([
      { path: 'zone', before: 'europe-west1-b', after: 'europe-west1-c' },
    ]);
    const text = renderPlanText(s, { alarm: (t) => `<${t}>` });
    expect(text).toContain(
      `  <-/+ ${host('001')}  REPLACE: zone cannot change in place>\n        zone: europe-west1-b → europe-west1-c\n        <! host docker-host-001 is replaced:`,
    );
  });

  test('a host added: its address and instance, its exposure, nothing else', () => {
    const s = summarizePlan('prod', fixture('google-add-host'));
    expect(s.counts).toEqual({ add: 2, change: 0, replace: 0, destroy: 0 });
    expect(rows('google-add-host')).toEqual([
      [ip('003'), 'create'],
      [host('003'), 'create'],
    ]);
    expect(s.exposure).toContain('host docker-host-003: public IP added (access_config)');
  });

  test('a host removed: the host and its static IP go away, each named', () => {
    const s = summarizePlan('prod', fixture('google-remove-host'));
    expect(s.counts).toEqual({ add: 0, change: 0, replace: 0, destroy: 2 });
    expect(s.changes.map((c) => c.why)).toEqual([
      'no longer in the configuration',
      'no longer in the configuration',
    ]);
    expect(s.changes.map((c) => c.loss)).toEqual([
      "static IP 203.0.113.2 (prod-docker-host-002) is released: the host's public address changes (URLs, DOCKER_HOST, DNS)",
      'host docker-host-002 is destroyed: the host, its boot disk and its Docker state (containers, images, volumes) go away',
    ]);
  });

  test('destroy: every resource, each host and static IP named', () => {
    const s = summarizePlan('prod', fixture('google-destroy'));
    expect(s.counts).toEqual({ add: 0, change: 0, replace: 0, destroy: 11 });
    expect(losesHost(s)).toBe(true);
    const md = renderPlanMarkdown(s);
    expect(md).toContain('#### Plan: prod: 0 to add, 0 to change, 0 to replace, 11 to destroy');
    expect(md).toContain(`| \`-\` | \`${host('002')}\` | **DESTROY** |  |`);
    expect(md).toContain('**Goes away:**\n\n- :warning: static IP 203.0.113.1');
  });

  test('deletion protection: the hosts it covers, and nothing else, are marked', () => {
    const guarded = summarizePlan('prod', fixture('google-destroy-protected'));
    expect(protectedDeletions(guarded)).toEqual([host('001'), host('002')]);
    expect(protectedDeletions(summarizePlan('prod', fixture('google-destroy')))).toEqual([]);
    expect(protectedDeletions(summarizePlan('prod', fixture('google-replace')))).toEqual([]);
  });

  test('a data disk is protected as its host is: attached to a deletion-protected host, it is marked', () => {
    const link =
      'https://www.googleapis.com/compute/v1/projects/acme-prod/zones/europe-west1-b/disks/prod-docker-host-001-data';
    const disk = {
      address: 'google_compute_disk.data-disks_docker-host-001',
      type: 'google_compute_disk',
      change: {
        actions: ['delete'],
        before: { name: 'prod-docker-host-001-data', self_link: link },
        after: null,
      },
    };
    const instance = (protection: boolean, actions: string[]) => ({
      address: host('001'),
      type: 'google_compute_instance',
      change: {
        actions,
        before: {
          name: 'docker-host-001',
          deletion_protection: protection,
          attached_disk: [{ source: link }],
        },
        after: actions[0] === 'delete' ? null : { name: 'docker-host-001' },
      },
    });
    const guarded = summarizePlan('prod', plan([disk, instance(true, ['no-op'])]));
    expect(protectedDeletions(guarded)).toEqual([disk.address]);
    expect(guarded.changes[0].loss).toContain('data disk prod-docker-host-001-data is destroyed');
    const both = summarizePlan('prod', plan([disk, instance(true, ['delete'])]));
    expect(protectedDeletions(both)).toEqual([disk.address, host('001')]);
    const open = summarizePlan('prod', plan([disk, instance(false, ['delete'])]));
    expect(protectedDeletions(open)).toEqual([]);
    expect(open.changes[1].loss).toContain('its data disk is kept');
  });

  test('no-op: no changes, nothing to approve', () => {
    const s = summarizePlan('prod', fixture('google-noop'));
    expect(hasChanges(s)).toBe(false);
    expect(s.changes).toEqual([]);
    expect(renderPlanMarkdown(s)).toBe('#### Plan: prod: no changes (11 resources up to date)\n\n');
  });
});

describe('details', () => {
  const change = (over: Record<string, unknown>) => ({
    address: 'google_compute_firewall.firewall_ssh',
    mode: 'managed',
    type: 'google_compute_firewall',
    name: 'firewall_ssh',
    ...over,
  });

  test('sensitive values are never shown', () => {
    const s = summarizePlan(
      'stage',
      plan([
        change({
          change: {
            actions: ['update'],
            before: { description: 'old-secret' },
            after: { description: 'new-secret' },
            after_unknown: {},
            before_sensitive: { description: true },
            after_sensitive: { description: true },
          },
        }),
      ]),
    );
    expect(s.changes[0].attributes).toEqual([
      { path: 'description', before: SENSITIVE, after: SENSITIVE },
    ]);
    expect(renderPlanText(s)).not.toMatch(/secret/);
  });

  test('create before destroy, moves and SSH roles', () => {
    const s = summarizePlan(
      'stage',
      plan([
        change({
          change: {
            actions: ['create', 'delete'],
            before: { name: 'ssh' },
            after: { name: 'ssh' },
            after_unknown: {},
          },
        }),
        change({
          address: 'a.b',
          previous_address: 'a.c',
          change: { actions: ['no-op'], before: {}, after: {} },
        }),
        {
          address: 'google_project_iam_member.ops',
          type: 'google_project_iam_member',
          change: {
            actions: ['create'],
            before: null,
            after: { role: 'roles/iap.tunnelResourceAccessor', member: 'group:ops@example.com' },
          },
        },
      ]),
    );
    expect(renderPlanText(s).split('\n').slice(1, 4)).toEqual([
      '  +/- google_compute_firewall.firewall_ssh  REPLACE (create before destroy)',
      '  →   a.b                                   moved from a.c',
      '  +   google_project_iam_member.ops         create',
    ]);
    expect(s.exposure).toEqual([
      'firewall rule ssh is replaced: INGRESS allow (none) from (no sources) to every instance in the network, priority 1000',
      'who can SSH: group:ops@example.com gains roles/iap.tunnelResourceAccessor (SSH through an IAP tunnel)',
    ]);
  });

  test.each([
    [null, 'plan of stack "stage": not a JSON object (give terraform show -json output)'],
    [
      { format_version: '2.0' },
      'plan of stack "stage": field "format_version" must be 1.x (got "2.0")',
    ],
    [
      { format_version: '1.2', resource_changes: {} },
      'plan of stack "stage": field "resource_changes" must be a list',
    ],
    [plan([{ address: 'x' }]), 'plan of stack "stage": resource_changes[0] has no change.actions'],
    [
      plan([{ address: 'x', change: { actions: ['explode'] } }]),
      'unknown change.actions ["explode"]',
    ],
  ])('bad input %j is refused: %s', (input, message) => {
    expect(() => summarizePlan('stage', input)).toThrow(new PlanFormatError(message));
  });
});
