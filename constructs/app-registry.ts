import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { Construct } from 'constructs';

const SECONDS_PER_DAY = 86400;

export interface AppRegistryProps {
  readonly project: string;
  /** Region of the repository, e.g. `europe-west1` (images are then `<region>-docker.pkg.dev/...`). */
  readonly location: string;
  /** Repository id, e.g. `docker-hosts`. */
  readonly repositoryId: string;
  /** Most recent versions of each image that are always kept. */
  readonly keepVersions: number;
  /** Untagged versions are deleted after this many days. */
  readonly deleteUntaggedAfterDays: number;
  /** Tagged versions beyond the `keepVersions` most recent are deleted after this many days. */
  readonly deleteTaggedAfterDays: number;
  /**
   * Labels on the repository.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Human-readable description.
   * @default 'Docker images of the app deployed on the Docker hosts'
   */
  readonly description?: string;
}

function positiveInteger(id: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`AppRegistry "${id}": ${field} must be an integer >= 1 (got ${value})`);
  }
}

/**
 * The app's Docker repository in Artifact Registry: immutable tags (a tag is a git commit and never
 * moves), and cleanup policies that keep the last `keepVersions` versions of each image, delete
 * untagged versions after a while and older tagged ones after a longer while. The policies are
 * enforced (no dry run).
 */
export class AppRegistry extends Construct {
  readonly repository: ArtifactRegistryRepository;

  constructor(scope: Construct, id: string, props: AppRegistryProps) {
    super(scope, id);
    positiveInteger(id, 'keepVersions', props.keepVersions);
    positiveInteger(id, 'deleteUntaggedAfterDays', props.deleteUntaggedAfterDays);
    positiveInteger(id, 'deleteTaggedAfterDays', props.deleteTaggedAfterDays);
    this.repository = new ArtifactRegistryRepository(this, 'Default', {
      project: props.project,
      location: props.location,
      repositoryId: props.repositoryId,
      format: 'DOCKER',
      mode: 'STANDARD_REPOSITORY',
      description: props.description ?? 'Docker images of the app deployed on the Docker hosts',
      labels: { ...(props.labels ?? {}) },
      dockerConfig: { immutableTags: true },
      cleanupPolicyDryRun: false,
      // KEEP wins over DELETE: the most recent versions survive whatever their age or tag state.
      cleanupPolicies: [
        {
          id: 'keep-recent',
          action: 'KEEP',
          mostRecentVersions: { keepCount: props.keepVersions },
        },
        {
          id: 'delete-untagged',
          action: 'DELETE',
          condition: {
            tagState: 'UNTAGGED',
            olderThan: `${props.deleteUntaggedAfterDays * SECONDS_PER_DAY}s`,
          },
        },
        {
          id: 'delete-old-tagged',
          action: 'DELETE',
          condition: {
            tagState: 'TAGGED',
            olderThan: `${props.deleteTaggedAfterDays * SECONDS_PER_DAY}s`,
          },
        },
      ],
    });
  }
}
