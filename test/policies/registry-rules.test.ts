import { checkPolicies } from '../../policies/check';
import { REGISTRY_RULES } from '../../policies/registry-rules';
import { RULES, StackJson, SynthesizedStack } from '../../policies/rules';
import { repoConfig, stacksFor, synthJson } from '../helpers';

const SA_REF = 'google_service_account.service-account';
const instance = (email: string) => ({ service_account: { email, scopes: [] } });

/** A stack with one instance running as the stack's service account, plus the given resources. */
function stageWith(resources: Record<string, Record<string, unknown>>): SynthesizedStack {
  return {
    name: 'stage',
    json: {
      resource: {
        google_compute_instance: { 'fleet_docker-host-001': instance(`\${${SA_REF}.email}`) },
        ...Object.fromEntries(
          Object.entries(resources).map(([type, attrs]) => [type, { subject: attrs }]),
        ),
      },
    } as StackJson,
  };
}

const dh10 = (stack: SynthesizedStack) =>
  checkPolicies(
    [stack],
    [],
    RULES.filter((r) => r.id === 'DH10-registry-read-per-repository'),
  );

describe('DH10-registry-read-per-repository', () => {
  test.each<[string, Record<string, Record<string, unknown>>]>([
    [
      'reader on the repository',
      {
        google_artifact_registry_repository_iam_member: {
          repository: 'docker-hosts',
          role: 'roles/artifactregistry.reader',
          member: `\${${SA_REF}.member}`,
        },
      },
    ],
    [
      'project-wide logWriter for the hosts',
      {
        google_project_iam_member: {
          role: 'roles/logging.logWriter',
          member: `\${${SA_REF}.member}`,
        },
      },
    ],
    [
      'project-wide reader for another account (a CI pusher, say)',
      {
        google_project_iam_member: {
          role: 'roles/artifactregistry.writer',
          member: 'serviceAccount:ci@p.iam.gserviceaccount.com',
        },
      },
    ],
  ])('compliant: %s', (_label, resources) => {
    expect(dh10(stageWith(resources))).toEqual([]);
  });

  test.each<[string, string, Record<string, unknown>]>([
    [
      'project-wide reader by reference',
      'google_project_iam_member',
      { role: 'roles/artifactregistry.reader', member: `\${${SA_REF}.member}` },
    ],
    [
      'project-wide writer through a binding, as serviceAccount:${email}',
      'google_project_iam_binding',
      {
        role: 'roles/artifactregistry.writer',
        members: ['user:a@example.com', `serviceAccount:\${${SA_REF}.email}`],
      },
    ],
  ])('non-compliant: %s', (_label, type, attrs) => {
    expect(dh10(stageWith({ [type]: attrs }))).toEqual([
      {
        rule: 'DH10-registry-read-per-repository',
        stack: 'stage',
        address: `${type}.subject`,
        message: `grants ${String(attrs.role)} project-wide to the hosts' service account (grant it on the repository)`,
      },
    ]);
  });

  test('non-compliant: an instance with a literal account e-mail, granted project-wide', () => {
    const stack: SynthesizedStack = {
      name: 'stage',
      json: {
        resource: {
          google_compute_instance: { host: instance('hosts@p.iam.gserviceaccount.com') },
          google_project_iam_member: {
            grant: {
              role: 'roles/artifactregistry.reader',
              member: 'serviceAccount:hosts@p.iam.gserviceaccount.com',
            },
          },
        },
      },
    };
    expect(dh10(stack).map((f) => f.address)).toEqual(['google_project_iam_member.grant']);
  });
});

const goodRepository = {
  format: 'DOCKER',
  cleanup_policy_dry_run: false,
  cleanup_policies: [
    { id: 'keep-recent', action: 'KEEP', most_recent_versions: { keep_count: 10 } },
    {
      id: 'delete-untagged',
      action: 'DELETE',
      condition: { tag_state: 'UNTAGGED', older_than: '604800s' },
    },
  ],
};

describe('DH11-registry-cleanup', () => {
  const dh11 = (attrs: Record<string, unknown>) =>
    checkPolicies(
      [
        {
          name: 'registry',
          json: { resource: { google_artifact_registry_repository: { repo: attrs } } },
        },
      ],
      [],
      REGISTRY_RULES.filter((r) => r.id === 'DH11-registry-cleanup'),
    ).map((f) => f.message);

  test('compliant: keeps the most recent, deletes untagged after a while', () => {
    expect(dh11(goodRepository)).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    [
      'no cleanup policies at all',
      { format: 'DOCKER' },
      [
        'has no KEEP cleanup policy with most_recent_versions',
        'has no DELETE cleanup policy for UNTAGGED versions with older_than',
      ],
    ],
    [
      'keep count 0',
      {
        ...goodRepository,
        cleanup_policies: [
          { ...goodRepository.cleanup_policies[0], most_recent_versions: { keep_count: 0 } },
          goodRepository.cleanup_policies[1],
        ],
      },
      ['has no KEEP cleanup policy with most_recent_versions'],
    ],
    [
      'deletes untagged without an age',
      {
        ...goodRepository,
        cleanup_policies: [
          goodRepository.cleanup_policies[0],
          { id: 'd', action: 'DELETE', condition: { tag_state: 'UNTAGGED' } },
        ],
      },
      ['has no DELETE cleanup policy for UNTAGGED versions with older_than'],
    ],
    [
      'dry run only',
      { ...goodRepository, cleanup_policy_dry_run: true },
      ['cleanup_policy_dry_run is true (nothing is deleted)'],
    ],
  ])('non-compliant: %s', (_label, attrs, messages) => {
    expect(dh11(attrs)).toEqual(messages);
  });
});

describe('on the real synthesized stacks', () => {
  const { registry, environments } = stacksFor(repoConfig());
  const stage = synthJson(environments[0]);

  test('they pass DH10 and DH11', () => {
    const stacks = [registry, ...environments].map((s) => ({
      name: s.node.id,
      json: synthJson(s) as StackJson,
    }));
    expect(checkPolicies(stacks, [], REGISTRY_RULES)).toEqual([]);
  });

  test("the stage stack with the hosts' reader role made project-wide trips DH10", () => {
    const members = stage.resource.google_project_iam_member;
    const member = members['service-account_logging-logWriter'].member;
    const widened = {
      ...stage,
      resource: {
        ...stage.resource,
        google_project_iam_member: {
          ...members,
          ar: { project: 'p', role: 'roles/artifactregistry.reader', member },
        },
      },
    };
    expect(dh10({ name: 'stage', json: widened }).map((f) => f.address)).toEqual([
      'google_project_iam_member.ar',
    ]);
  });

  test('the registry stack with its cleanup policies taken away trips DH11', () => {
    const json = synthJson(registry);
    const [name] = Object.keys(json.resource.google_artifact_registry_repository);
    delete json.resource.google_artifact_registry_repository[name].cleanup_policies;
    expect(
      checkPolicies([{ name: 'registry', json }], [], REGISTRY_RULES).map((f) => f.rule),
    ).toEqual(['DH11-registry-cleanup', 'DH11-registry-cleanup']);
  });
});
