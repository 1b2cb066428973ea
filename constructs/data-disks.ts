import { ComputeDisk } from '@cdktf/provider-google/lib/compute-disk';
import { ComputeDiskResourcePolicyAttachment } from '@cdktf/provider-google/lib/compute-disk-resource-policy-attachment';
import { ComputeResourcePolicy } from '@cdktf/provider-google/lib/compute-resource-policy';
import { Construct } from 'constructs';
import type { SnapshotSchedule } from '../config';

export interface DataDisksProps {
  readonly project: string;
  readonly region: string;
  readonly zone: string;
  /** Prefix of the disk and policy names, e.g. `prod` gives `prod-docker-host-001-data`. */
  readonly namePrefix: string;
  /** The hosts that get a disk. */
  readonly hosts: readonly string[];
  readonly sizeGb: number;
  readonly type: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly schedule: SnapshotSchedule;
  readonly retentionDays: number;
}

/**
 * A persistent disk per host for the data that must outlive it, and the snapshot schedule that keeps its history.
 * A disk is its own resource, not the instance's: replacing a host (a new machine type, a new image) destroys the
 * instance and attaches the same disk to the new one. Google has no deletion protection for disks, but refuses to
 * delete one attached to an instance, and a host's deletion protection (the environment's `deletionProtection`)
 * covers its disk: the driver refuses any plan that deletes or replaces a disk attached to a protected host
 * (review/plan/summary.ts), as it refuses deleting the host. Snapshots outlive the disk (`KEEP_AUTO_SNAPSHOTS`).
 */
export class DataDisks extends Construct {
  readonly policy: ComputeResourcePolicy;
  /** By host name. */
  readonly disks: Readonly<Record<string, ComputeDisk>>;

  constructor(scope: Construct, id: string, props: DataDisksProps) {
    super(scope, id);
    this.policy = new ComputeResourcePolicy(this, 'snapshots', {
      project: props.project,
      region: props.region,
      name: `${props.namePrefix}-docker-hosts-data-snapshots`,
      description: 'Snapshots of the Docker hosts data disks',
      snapshotSchedulePolicy: {
        schedule:
          props.schedule.kind === 'daily'
            ? { dailySchedule: { daysInCycle: 1, startTime: props.schedule.startTime } }
            : {
                hourlySchedule: {
                  hoursInCycle: props.schedule.hours,
                  startTime: props.schedule.startTime,
                },
              },
        retentionPolicy: {
          maxRetentionDays: props.retentionDays,
          onSourceDiskDelete: 'KEEP_AUTO_SNAPSHOTS',
        },
        // No labels on the snapshots: a resource policy cannot change in place, and a label edit would replace it.
        snapshotProperties: { storageLocations: [props.region] },
      },
    });
    const disks: Record<string, ComputeDisk> = {};
    for (const host of [...props.hosts].sort()) disks[host] = this.disk(host, props);
    this.disks = disks;
  }

  private disk(host: string, props: DataDisksProps): ComputeDisk {
    const scope = new Construct(this, host);
    const disk = new ComputeDisk(scope, 'Default', {
      project: props.project,
      zone: props.zone,
      name: `${props.namePrefix}-${host}-data`,
      description: `Data disk of ${host}: accessory and app volumes`,
      size: props.sizeGb,
      type: props.type,
      labels: { ...props.labels },
    });
    new ComputeDiskResourcePolicyAttachment(scope, 'snapshots', {
      project: props.project,
      zone: props.zone,
      disk: disk.name,
      name: this.policy.name,
    });
    return disk;
  }
}
