import { checkPolicies } from '../../policies/check';
import { PolicyRule, RULES, StackJson, SynthesizedStack } from '../../policies/rules';
import { coversInternet } from '../../config';
import { repoConfig, resolveEnvs, stacksFor, validEnv } from '../helpers';

function rule(id: string): PolicyRule {
  const found = RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

function stackWith(type: string, attrs: Record<string, unknown>, name = 'stage'): SynthesizedStack {
  return { name, json: { resource: { [type]: { subject: attrs } } } };
}

const goodInstance = {
  name: 'docker-host-001',
  can_ip_forward: false,
  shielded_instance_config: {
    enable_secure_boot: true,
    enable_vtpm: true,
    enable_integrity_monitoring: true,
  },
  service_account: {
    email: 'docker-hosts-stage@p.iam.gserviceaccount.com',
    scopes: ['https://www.googleapis.com/auth/logging.write'],
  },
  metadata: { 'block-project-ssh-keys': 'TRUE', 'serial-port-enable': 'FALSE' },
};
const goodBucket = {
  versioning: { enabled: true },
  uniform_bucket_level_access: true,
  public_access_prevention: 'enforced',
  force_destroy: false,
  lifecycle: { prevent_destroy: true },
};
const sshRule = (ranges: string[], allow: unknown = [{ protocol: 'tcp', ports: ['22'] }]) => ({
  direction: 'INGRESS',
  allow,
  source_ranges: ranges,
});

type Case = [string, string, Record<string, unknown>];
const cases: {
  id: string;
  type: string;
  compliant: Case[];
  nonCompliant: (Case & { 3?: string })[];
}[] = [
  {
    id: 'DH1-ssh-not-open-to-world',
    type: 'google_compute_firewall',
    compliant: [
      ['IAP only', 'x', sshRule(['35.235.240.0/20'])],
      ['a /8 admin network', 'x', sshRule(['10.0.0.0/8'])],
      [
        'overlapping ranges inside one /8',
        'x',
        sshRule(['10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/9']),
      ],
      [
        'app port open to the world',
        'x',
        sshRule(['0.0.0.0/0'], [{ protocol: 'tcp', ports: ['9292'] }]),
      ],
      ['egress', 'x', { ...sshRule(['0.0.0.0/0']), direction: 'EGRESS' }],
    ],
    nonCompliant: [
      [
        'port 22 from 0.0.0.0/0',
        'allows SSH from 10.0.0.0/8, 0.0.0.0/0',
        sshRule(['10.0.0.0/8', '0.0.0.0/0']),
      ],
      [
        'a port range covering 22',
        'allows SSH',
        sshRule(['0.0.0.0/0'], [{ protocol: 'tcp', ports: ['20-30'] }]),
      ],
      ['all tcp ports', 'allows SSH', sshRule(['0.0.0.0/0'], [{ protocol: 'tcp' }])],
      ['all protocols from ::/0', 'allows SSH from ::/0', sshRule(['::/0'], [{ protocol: 'all' }])],
      [
        '0.0.0.0/0 split in two halves',
        'allows SSH from 0.0.0.0/1, 128.0.0.0/1',
        sshRule(['0.0.0.0/1', '128.0.0.0/1']),
      ],
      [
        'all 256 /8 ranges, none wider than a /8 on its own',
        'allows SSH from 0.0.0.0/8, 1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8 and 252 more',
        sshRule(Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`)),
      ],
      [
        'two /8s: more than one /8 together',
        'more than one /8',
        sshRule(['10.0.0.0/8', '11.0.0.0/8']),
      ],
      ['a wide IPv6 range', 'allows SSH from 2000::/3', sshRule(['2000::/3'])],
    ],
  },
  {
    id: 'DH2-state-bucket-hardened',
    type: 'google_storage_bucket',
    compliant: [['hardened', 'x', goodBucket]],
    nonCompliant: [
      [
        'unversioned',
        'versioning is not enabled',
        { ...goodBucket, versioning: { enabled: false } },
      ],
      [
        'fine-grained ACLs',
        'uniform_bucket_level_access is not true',
        { ...goodBucket, uniform_bucket_level_access: false },
      ],
      [
        'public access inherited',
        'public_access_prevention is not "enforced"',
        { ...goodBucket, public_access_prevention: 'inherited' },
      ],
      ['force destroy', 'force_destroy is true', { ...goodBucket, force_destroy: true }],
      ['destroyable', 'lifecycle.prevent_destroy is not true', { ...goodBucket, lifecycle: {} }],
    ],
  },
  {
    id: 'DH3-shielded-vm',
    type: 'google_compute_instance',
    compliant: [['shielded', 'x', goodInstance]],
    nonCompliant: [
      [
        'no shielded config',
        'enable_secure_boot is not true',
        { ...goodInstance, shielded_instance_config: undefined },
      ],
      [
        'vTPM off',
        'enable_vtpm is not true',
        {
          ...goodInstance,
          shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
        },
      ],
    ],
  },
  {
    id: 'DH4-dedicated-service-account',
    type: 'google_compute_instance',
    compliant: [['dedicated, narrow scopes', 'x', goodInstance]],
    nonCompliant: [
      [
        'no account',
        'has no explicit service account',
        { ...goodInstance, service_account: undefined },
      ],
      [
        'default compute account',
        'uses the default compute service account',
        {
          ...goodInstance,
          service_account: { email: '123-compute@developer.gserviceaccount.com', scopes: [] },
        },
      ],
      [
        'cloud-platform scope',
        'has the cloud-platform scope',
        {
          ...goodInstance,
          service_account: { email: 'a@p.iam.gserviceaccount.com', scopes: ['cloud-platform'] },
        },
      ],
    ],
  },
  {
    id: 'DH5-no-project-ssh-keys',
    type: 'google_compute_instance',
    compliant: [['blocked', 'x', goodInstance]],
    nonCompliant: [
      ['not blocked', 'block-project-ssh-keys is not TRUE', { ...goodInstance, metadata: {} }],
    ],
  },
  {
    id: 'DH6-serial-port-disabled',
    type: 'google_compute_instance',
    compliant: [
      ['off', 'x', goodInstance],
      ['unset', 'x', { ...goodInstance, metadata: { 'block-project-ssh-keys': 'TRUE' } }],
    ],
    nonCompliant: [
      [
        'on',
        'serial-port-enable is on',
        { ...goodInstance, metadata: { 'serial-port-enable': 'true' } },
      ],
    ],
  },
  {
    id: 'DH7-no-ip-forwarding',
    type: 'google_compute_instance',
    compliant: [['off', 'x', goodInstance]],
    nonCompliant: [['on', 'can_ip_forward is true', { ...goodInstance, can_ip_forward: true }]],
  },
];

describe.each(cases)('$id', ({ id, type, compliant, nonCompliant }) => {
  test.each(compliant)('compliant: %s', (_label, _message, attrs) => {
    expect(rule(id).check([stackWith(type, attrs)])).toEqual([]);
  });
  test.each(nonCompliant)('non-compliant: %s', (_label, message, attrs) => {
    const findings = rule(id).check([stackWith(type, attrs)]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]).toMatchObject({ rule: id, stack: 'stage', address: `${type}.subject` });
    expect(findings.map((f) => f.message).join('; ')).toContain(message);
  });
});

describe('DH9-default-deny-ingress', () => {
  const instance = (tags: string[]) => ({ ...goodInstance, tags });
  const deny = (overrides: Record<string, unknown> = {}) => ({
    direction: 'INGRESS',
    priority: 65000,
    deny: [{ protocol: 'all' }],
    source_ranges: ['0.0.0.0/0'],
    target_tags: ['docker-host-stage'],
    ...overrides,
  });
  const stack = (tags: string[], firewall?: Record<string, unknown>): SynthesizedStack => ({
    name: 'stage',
    json: {
      resource: {
        google_compute_instance: { host: instance(tags) },
        ...(firewall ? { google_compute_firewall: { deny: firewall } } : {}),
      },
    },
  });
  const check = (s: SynthesizedStack) => rule('DH9-default-deny-ingress').check([s]);

  test('compliant: a deny-all rule for one of the instance tags, above the default allows', () => {
    expect(check(stack(['docker-host', 'docker-host-stage'], deny()))).toEqual([]);
  });
  test.each([
    ['no deny rule at all', undefined],
    ['a deny rule for another tag', deny({ target_tags: ['other'] })],
    ['a deny rule below the default allows (65535)', deny({ priority: 65535 })],
    ['a deny rule for one protocol only', deny({ deny: [{ protocol: 'tcp' }] })],
    ['a deny rule for part of the internet', deny({ source_ranges: ['10.0.0.0/8'] })],
  ])('non-compliant: %s', (_label, firewall) => {
    expect(check(stack(['docker-host', 'docker-host-stage'], firewall))).toEqual([
      {
        rule: 'DH9-default-deny-ingress',
        stack: 'stage',
        address: 'google_compute_instance.host',
        message:
          "has no deny-all ingress rule for its tags: the network's other allow rules reach it",
      },
    ]);
  });
});

describe('DH8-state-isolated', () => {
  const gcs = (name: string, bucket: string, prefix: string): SynthesizedStack => ({
    name,
    json: { terraform: { backend: { gcs: { bucket, prefix } } } } as StackJson,
  });
  test('compliant: each stack under its own prefix', () => {
    expect(
      rule('DH8-state-isolated').check([
        gcs('stage', 'b', 'docker-hosts/stage'),
        gcs('prod', 'b', 'docker-hosts/prod'),
      ]),
    ).toEqual([]);
  });
  test("non-compliant: stage pointed at prod's state (the original setup's mistake)", () => {
    const findings = rule('DH8-state-isolated').check([
      gcs('prod', 'b', 'docker-hosts/prod'),
      gcs('stage', 'b', 'docker-hosts/prod'),
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      'state prefix docker-hosts/prod does not name the stack "stage"',
      'state location gs://b/docker-hosts/prod is also used by stack "prod"',
    ]);
  });
});

describe('checkPolicies', () => {
  test('the repository stacks pass every rule', () => {
    const { backend, registry, environments } = stacksFor(repoConfig());
    const synthesized = [backend, registry, ...environments].map((s) => ({
      name: s.node.id,
      json: s.toTerraform() as StackJson,
    }));
    expect(checkPolicies(synthesized)).toEqual([]);
  });

  test('a suppression with a reason silences one rule for one stack only', () => {
    const open = sshRule(['0.0.0.0/0']);
    const stacks = [
      stackWith('google_compute_firewall', open, 'stage'),
      stackWith('google_compute_firewall', open, 'prod'),
    ];
    const findings = checkPolicies(stacks, [
      { rule: 'DH1-ssh-not-open-to-world', stack: 'stage', reason: 'lab' },
    ]);
    expect(findings.map((f) => f.stack)).toEqual(['prod']);
  });

  test('a suppression must name a known rule and give a reason', () => {
    expect(() => checkPolicies([], [{ rule: 'DH99', stack: 'stage', reason: 'x' }])).toThrow(
      'unknown rule "DH99"',
    );
    expect(() =>
      checkPolicies([], [{ rule: 'DH7-no-ip-forwarding', stack: 'stage', reason: ' ' }]),
    ).toThrow('needs a reason');
  });

  test('every rule has a test case here', () => {
    // DH10 and DH11 are tested in registry-rules.test.ts, DH12-DH14 in exposure-rules.test.ts, DH15-DH18 in
    // managed-rules.test.ts, DH19-DH21 and DH4's secret exception in data-rules.test.ts.
    const tested = [
      ...cases.map((c) => c.id),
      'DH8-state-isolated',
      'DH9-default-deny-ingress',
      'DH10-registry-read-per-repository',
      'DH11-registry-cleanup',
      'DH12-lb-hosts-private',
      'DH13-backend-health-checked',
      'DH14-nat-for-private-hosts',
      'DH15-template-no-external-ip',
      'DH16-group-autohealing',
      'DH17-group-max-unavailable-zero',
      'DH18-template-own-service-account',
      'DH19-secret-access-named',
      'DH20-data-disks-protected',
      'DH21-internal-ports-not-public',
    ];
    expect(RULES.map((r) => r.id).sort()).toEqual(tested.sort());
  });
});

describe("DH1 counts the union of a stack's SSH rules, as the config check does", () => {
  test('two rules, each half of the internet, are the internet', () => {
    const stack: SynthesizedStack = {
      name: 'stage',
      json: {
        resource: {
          google_compute_firewall: { a: sshRule(['0.0.0.0/1']), b: sshRule(['128.0.0.0/1']) },
        },
      },
    };
    expect(
      rule('DH1-ssh-not-open-to-world')
        .check([stack])
        .map((f) => f.address),
    ).toEqual(['google_compute_firewall.a', 'google_compute_firewall.b']);
  });

  test.each([
    [['35.235.240.0/20'], false],
    [['10.0.0.0/8'], false],
    [['10.0.0.0/8', '11.0.0.0/9'], true],
    [Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`), true],
  ])('%j: the config refuses it exactly when DH1 finds it', (ranges, wide) => {
    const found = rule('DH1-ssh-not-open-to-world').check([
      stackWith('google_compute_firewall', sshRule(ranges)),
    ]);
    expect(found.length > 0).toBe(wide);
    expect(coversInternet(ranges)).toBe(wide);
    const resolve = () => resolveEnvs([validEnv({ sshSourceRanges: ranges })]);
    if (wide) expect(resolve).toThrow('field "sshSourceRanges" must not cover more than one /8');
    else expect(resolve).not.toThrow();
  });
});
