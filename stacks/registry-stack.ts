import { GcsBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ProjectConfig, registryRepositories, statePrefix } from '../config';
import { AppRegistry } from '../constructs/app-registry';
import { roleLabels } from '../lib/constants';
import { ReadableStack } from './readable-stack';
import { registryOutputs } from './registry-outputs';
import { googleProvider } from './google-provider';

export { REGISTRY_STACK } from '../config';

/**
 * The app's Docker repository in Artifact Registry, one per GCP project. Deployed after the backend
 * (its state lives in the first environment's bucket) and before the environments (each grants its
 * hosts' account read access on it).
 */
export class RegistryStack extends ReadableStack {
  readonly registries: ReadonlyMap<string, AppRegistry>;

  constructor(scope: Construct, id: string, config: ProjectConfig) {
    super(scope, id);
    new GcsBackend(this, { bucket: config.environments[0].state.bucket, prefix: statePrefix(id) });
    googleProvider(this);

    const registries = new Map<string, AppRegistry>();
    for (const repo of registryRepositories(config)) {
      registries.set(
        repo.project,
        new AppRegistry(this, repo.project, {
          project: repo.project,
          location: repo.location,
          repositoryId: repo.repository,
          keepVersions: config.registry.keepVersions,
          deleteUntaggedAfterDays: config.registry.deleteUntaggedAfterDays,
          deleteTaggedAfterDays: config.registry.deleteTaggedAfterDays,
          labels: roleLabels('app-registry', 'cdktf'),
        }),
      );
    }
    this.registries = registries;
    // The machine-readable contract read by the driver: stacks/registry-outputs.ts.
    for (const [id, output] of Object.entries(registryOutputs(config)))
      new TerraformOutput(this, id, output);
  }
}
