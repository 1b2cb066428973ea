import { GcsBackend, LocalBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ProjectConfig, statePrefix } from '../config';
import { StateBucket } from '../constructs/state-bucket';
import { BACKEND_STATE_FILE, roleLabels } from '../lib/constants';
import { ReadableStack } from './readable-stack';
import { googleProvider } from './google-provider';

/**
 * Where the backend stack keeps its own state, relative to its working directory
 * (cdktf.out/stacks/backend): the repository root, outside cdktf.out, git-ignored. The driver synthesizes into each
 * run's folder and gives `terraform init` the same file by its absolute path (driver/plan/terraform.ts).
 */
export const BACKEND_LOCAL_STATE = `../../../${BACKEND_STATE_FILE}`;

/** The GCS bucket(s) that hold every environment's Terraform state: one per GCP project. */
export class BackendStack extends ReadableStack {
  readonly buckets: ReadonlyMap<string, StateBucket>;

  constructor(scope: Construct, id: string, config: ProjectConfig) {
    super(scope, id);
    if (config.backendState === 'gcs') {
      new GcsBackend(this, {
        bucket: config.environments[0].state.bucket,
        prefix: statePrefix(id),
      });
    } else {
      // An explicit, relative path: the default local backend writes an absolute path into the JSON.
      new LocalBackend(this, { path: BACKEND_LOCAL_STATE });
    }
    googleProvider(this);

    const buckets = new Map<string, StateBucket>();
    for (const env of config.environments) {
      const existing = buckets.get(env.state.bucket);
      if (existing !== undefined) continue;
      buckets.set(
        env.state.bucket,
        new StateBucket(this, env.state.bucket, {
          name: env.state.bucket,
          project: env.projectId,
          location: config.stateLocation,
          versionsKept: config.stateVersionsKept,
          labels: roleLabels('terraform-state', 'cdktf'),
        }),
      );
    }
    this.buckets = buckets;
    new TerraformOutput(this, 'state_buckets', {
      description: 'State bucket of each environment',
      value: Object.fromEntries(
        config.environments.map((e) => [e.name, `gs://${e.state.bucket}/${e.state.prefix}`]),
      ),
    });
  }
}
