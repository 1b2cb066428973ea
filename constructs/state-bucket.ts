import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';

export interface StateBucketProps {
  /** Globally unique bucket name. */
  readonly name: string;
  /** Project that owns the bucket. */
  readonly project: string;
  /** GCS location, e.g. `EU`. */
  readonly location: string;
  /** Noncurrent versions kept per state object; older ones are deleted. */
  readonly versionsKept: number;
  /**
   * Labels on the bucket.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A GCS bucket for Terraform state, hardened as in Google's foundation blueprints: versioned,
 * uniform bucket-level access, public access prevention enforced, never force-destroyed and
 * protected from `terraform destroy`; a bounded number of noncurrent versions is kept.
 */
export class StateBucket extends Construct {
  readonly bucket: StorageBucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    if (!Number.isInteger(props.versionsKept) || props.versionsKept < 1) {
      throw new Error(
        `StateBucket "${id}": versionsKept must be an integer >= 1 (got ${props.versionsKept})`,
      );
    }
    this.bucket = new StorageBucket(this, 'Default', {
      name: props.name,
      project: props.project,
      location: props.location,
      storageClass: 'STANDARD',
      forceDestroy: false,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      lifecycleRule: [
        {
          action: { type: 'Delete' },
          condition: { withState: 'ARCHIVED', numNewerVersions: props.versionsKept },
        },
      ],
      labels: { ...(props.labels ?? {}) },
      lifecycle: { preventDestroy: true },
    });
  }
}
