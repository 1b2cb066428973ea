import { Testing } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { BACKEND_LOCAL_STATE } from '../../stacks/backend-stack';
import { repoConfig, resolveEnvs, stacksFor, synthJson, TEST_PROJECT, validEnv } from '../helpers';

describe('backend stack', () => {
  const { backend } = stacksFor(repoConfig());
  const synth = Testing.synth(backend);
  const json = JSON.parse(synth);

  test('matches its snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('one state bucket, named after the project, hardened', () => {
    expect(synth).toHaveResourceWithProperties(StorageBucket, {
      name: `${TEST_PROJECT}-tfstate`,
      project: TEST_PROJECT,
      location: 'EU',
      force_destroy: false,
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      lifecycle: { prevent_destroy: true },
      lifecycle_rule: [
        {
          action: { type: 'Delete' },
          condition: { with_state: 'ARCHIVED', num_newer_versions: 10 },
        },
      ],
      labels: { role: 'terraform-state', 'managed-by': 'cdktf' },
    });
    expect(Object.keys(json.resource.google_storage_bucket)).toEqual([`${TEST_PROJECT}-tfstate`]);
  });

  test('its own state is local, at a relative path outside cdktf.out', () => {
    expect(json.terraform.backend).toEqual({ local: { path: BACKEND_LOCAL_STATE } });
    expect(BACKEND_LOCAL_STATE.startsWith('/')).toBe(false);
  });

  test('backendState "gcs" keeps its own state in the first bucket, beside the environments', () => {
    const config = resolveEnvs([validEnv()], { backendState: 'gcs' });
    expect(synthJson(stacksFor(config).backend).terraform.backend).toEqual({
      gcs: { bucket: `${TEST_PROJECT}-tfstate`, prefix: 'docker-hosts/backend' },
    });
  });

  test('environments in another project get a bucket in that project', () => {
    const config = resolveEnvs(
      [validEnv(), validEnv({ name: 'prod', projectId: 'acme-prod-hosts' })],
      {
        stateVersionsKept: 3,
      },
    );
    const other = synthJson(stacksFor(config).backend);
    expect(Object.keys(other.resource.google_storage_bucket)).toEqual([
      `${TEST_PROJECT}-tfstate`,
      'acme-prod-hosts-tfstate',
    ]);
    expect(other.resource.google_storage_bucket['acme-prod-hosts-tfstate'].project).toBe(
      'acme-prod-hosts',
    );
    expect(
      other.resource.google_storage_bucket['acme-prod-hosts-tfstate'].lifecycle_rule[0].condition
        .num_newer_versions,
    ).toBe(3);
    expect(other.output.state_buckets.value).toEqual({
      stage: `gs://${TEST_PROJECT}-tfstate/docker-hosts/stage`,
      prod: 'gs://acme-prod-hosts-tfstate/docker-hosts/prod',
    });
  });
});
