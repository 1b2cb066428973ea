import { Testing } from 'cdktf';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { AppRegistry } from '../../constructs/app-registry';
import { parseRegistryOutputs, registryHostOf } from '../../stacks/registry-outputs';
import { repoConfig, resolveEnvs, stacksFor, synthJson, TEST_PROJECT, validEnv } from '../helpers';

describe('registry stack', () => {
  const { registry, environments } = stacksFor(repoConfig());
  const synth = Testing.synth(registry);
  const json = JSON.parse(synth);

  test('matches its snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('one DOCKER repository in the environments region, immutable tags, enforced cleanup policies', () => {
    expect(synth).toHaveResourceWithProperties(ArtifactRegistryRepository, {
      project: TEST_PROJECT,
      location: 'europe-west1',
      repository_id: 'docker-hosts',
      format: 'DOCKER',
      labels: { role: 'app-registry', 'managed-by': 'cdktf' },
      docker_config: { immutable_tags: true },
      cleanup_policy_dry_run: false,
      cleanup_policies: [
        { id: 'keep-recent', action: 'KEEP', most_recent_versions: { keep_count: 10 } },
        {
          id: 'delete-untagged',
          action: 'DELETE',
          condition: { tag_state: 'UNTAGGED', older_than: '604800s' },
        },
        {
          id: 'delete-old-tagged',
          action: 'DELETE',
          condition: { tag_state: 'TAGGED', older_than: '2592000s' },
        },
      ],
    });
    expect(Object.keys(json.resource.google_artifact_registry_repository)).toEqual([TEST_PROJECT]);
  });

  test('state in the bucket under its own prefix; outputs the Docker URL prefix', () => {
    expect(json.terraform.backend).toEqual({
      gcs: { bucket: `${TEST_PROJECT}-tfstate`, prefix: 'docker-hosts/registry' },
    });
    const url = `europe-west1-docker.pkg.dev/${TEST_PROJECT}/docker-hosts`;
    expect(json.output.repositories.value).toEqual({ [TEST_PROJECT]: url });
    expect(json.output.environment_registries.value).toEqual({ stage: url, prod: url });
    expect(json.output.environment_registry_hosts.value).toEqual({
      stage: 'europe-west1-docker.pkg.dev',
      prod: 'europe-west1-docker.pkg.dev',
    });
  });

  test('the outputs as written read back through the contract the driver uses (stacks/registry-outputs.ts)', () => {
    const values = Object.fromEntries(
      Object.entries(json.output).map(([k, v]) => [k, (v as { value: unknown }).value]),
    );
    const outputs = parseRegistryOutputs({ registry: values });
    expect(registryHostOf(outputs, 'prod')).toBe('europe-west1-docker.pkg.dev');
    expect(() => registryHostOf(outputs, 'lab')).toThrow(
      'stack "registry": output "environment_registry_hosts" has no entry for environment "lab"',
    );
  });

  test.each<[string, unknown, string]>([
    ['no registry stack', { stage: {} }, 'outputs have no stack "registry"'],
    [
      'a missing output',
      { registry: { repositories: {}, environment_registries: {} } },
      'stack "registry": missing output "environment_registry_hosts"',
    ],
    [
      'a host that is not Artifact Registry',
      {
        registry: {
          repositories: {},
          environment_registries: {},
          environment_registry_hosts: { stage: 'docker.io' },
        },
      },
      'stack "registry": output "environment_registry_hosts"["stage"] must match',
    ],
    [
      'a URL with a path outside the pattern',
      {
        registry: {
          repositories: { p: 'europe-west1-docker.pkg.dev/../x' },
          environment_registries: {},
        },
      },
      'stack "registry": output "repositories"["p"] must match',
    ],
  ])('malformed registry outputs are refused: %s', (_label, json, message) => {
    expect(() => parseRegistryOutputs(json)).toThrow(message);
  });

  test.each(['stage', 'prod'])("%s hosts' account reads that repository only", (name) => {
    const env = Testing.synth(environments.find((s) => s.node.id === name)!);
    expect(env).toHaveResourceWithProperties(ArtifactRegistryRepositoryIamMember, {
      project: TEST_PROJECT,
      location: 'europe-west1',
      repository: 'docker-hosts',
      role: 'roles/artifactregistry.reader',
      member: '${google_service_account.service-account.member}',
    });
    const roles = Object.values(JSON.parse(env).resource.google_project_iam_member).map(
      (m: any) => m.role,
    );
    expect(roles.filter((r: string) => r.startsWith('roles/artifactregistry.'))).toEqual([]);
  });

  test('config settings reach the policies; a second project gets its own repository', () => {
    const config = resolveEnvs(
      [validEnv(), validEnv({ name: 'prod', projectId: 'acme-prod-hosts' })],
      {
        registry: { keepVersions: 3, deleteUntaggedAfterDays: 1, deleteTaggedAfterDays: 90 },
      },
    );
    const other = synthJson(stacksFor(config).registry).resource
      .google_artifact_registry_repository;
    expect(Object.keys(other)).toEqual([TEST_PROJECT, 'acme-prod-hosts']);
    expect(
      other['acme-prod-hosts'].cleanup_policies.map(
        (p: any) => p.most_recent_versions ?? p.condition,
      ),
    ).toEqual([
      { keep_count: 3 },
      { tag_state: 'UNTAGGED', older_than: '86400s' },
      { tag_state: 'TAGGED', older_than: '7776000s' },
    ]);
  });

  test('the construct refuses a keep count below 1', () => {
    const stack = Testing.synthScope((scope) => {
      expect(
        () =>
          new AppRegistry(scope, 'r', {
            project: 'p',
            location: 'europe-west1',
            repositoryId: 'r',
            keepVersions: 0,
            deleteUntaggedAfterDays: 1,
            deleteTaggedAfterDays: 1,
          }),
      ).toThrow('AppRegistry "r": keepVersions must be an integer >= 1 (got 0)');
    });
    expect(stack).toBeDefined();
  });
});
