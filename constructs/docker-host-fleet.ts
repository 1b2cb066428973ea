import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { Construct } from 'constructs';
import { DATA_DISK_DEVICE, RFC1035_NAME } from '../lib/constants';
import { hostMetadata, HostShapeProps, shieldedVm } from './host-shape';

export interface DockerHostFleetProps extends HostShapeProps {
  readonly project: string;
  readonly region: string;
  readonly zone: string;
  /** One host per name, e.g. `docker-host-001`; the name is also the host's Terraform key. */
  readonly hostNames: readonly string[];
  /** Prefix of the static addresses' names, e.g. `stage` gives `stage-docker-host-001`. */
  readonly addressPrefix: string;
  /**
   * Give each host a static external address. Without one (behind a load balancer) a host is reached on its
   * internal IP only, and reaches the internet only through Cloud NAT.
   * @default true
   */
  readonly externalAddress?: boolean;
  /**
   * Refuse to delete the hosts (Compute Engine deletion protection).
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Data disks by host name (the disk's self link), attached as device `dataDiskDevice`, read-write, never
   * deleted with the host.
   * @default none
   */
  readonly dataDisks?: Readonly<Record<string, string>>;
  /**
   * GCE device name of the data disks (the host sees /dev/disk/by-id/google-<device>).
   * @default DATA_DISK_DEVICE
   */
  readonly dataDiskDevice?: string;
}

/** One Docker host: the instance and its static external address (absent when `externalAddress` is false). */
export interface DockerHost {
  readonly name: string;
  readonly instance: ComputeInstance;
  readonly address?: ComputeAddress;
  /** The data disk's device name, when the host has one. */
  readonly dataDisk?: string;
}

/**
 * N Docker hosts booted from the Packer-built image family, hardened the way Google's foundation
 * blueprints harden VMs: shielded VM, no project-wide SSH keys, serial port off, no IP forwarding,
 * a dedicated service account with narrow scopes. Each host keeps a static external address, so the
 * app's URL and DOCKER_HOST survive a stop/start; or, behind a load balancer, has none at all.
 */
export class DockerHostFleet extends Construct {
  /** The hosts, keyed and ordered by name. */
  readonly hosts: readonly DockerHost[];

  constructor(scope: Construct, id: string, props: DockerHostFleetProps) {
    super(scope, id);
    checkHostNames(id, props.hostNames);
    const metadata = hostMetadata(props);
    this.hosts = [...props.hostNames].sort().map((name) => {
      const host = new Construct(this, name);
      const address =
        (props.externalAddress ?? true) ? externalAddress(host, props, name) : undefined;
      const instance = new ComputeInstance(host, 'Default', {
        project: props.project,
        zone: props.zone,
        name,
        machineType: props.machineType ?? 'e2-small',
        tags: [...props.networkTags],
        labels: { ...props.labels },
        bootDisk: {
          autoDelete: true,
          initializeParams: {
            image: `projects/${props.imageProject}/global/images/family/${props.imageFamily}`,
            size: props.diskSizeGb ?? 20,
            type: props.diskType ?? 'pd-balanced',
            labels: { ...props.labels },
          },
        },
        networkInterface: [
          {
            network: props.network ?? 'default',
            ...(address === undefined
              ? {}
              : { accessConfig: [{ natIp: address.address, networkTier: 'PREMIUM' }] }),
          },
        ],
        attachedDisk: attachedDisks(props, name),
        serviceAccount: { email: props.serviceAccountEmail, scopes: [...props.scopes] },
        shieldedInstanceConfig: shieldedVm(),
        canIpForward: false,
        metadata,
        allowStoppingForUpdate: true,
        deletionProtection: props.deletionProtection ?? false,
        // A newer image in the family must not silently replace running hosts: redeploy on purpose.
        // The boot disk's labels are set at creation only: Google cannot change initialize_params in
        // place, so a label edit would otherwise replace every host (the instance's labels update).
        lifecycle: {
          ignoreChanges: [
            'boot_disk[0].initialize_params[0].image',
            'boot_disk[0].initialize_params[0].labels',
          ],
        },
      });
      const dataDisk = props.dataDisks?.[name] === undefined ? undefined : dataDiskDevice(props);
      return { name, instance, address, dataDisk };
    });
  }
}

function dataDiskDevice(props: DockerHostFleetProps): string {
  return props.dataDiskDevice ?? DATA_DISK_DEVICE;
}

/** The host's data disk, if it has one: a separate disk, so a replaced host gets the same one attached. */
function attachedDisks(props: DockerHostFleetProps, name: string) {
  const source = props.dataDisks?.[name];
  if (source === undefined) return undefined;
  return [{ source, deviceName: dataDiskDevice(props), mode: 'READ_WRITE' }];
}

function externalAddress(
  host: Construct,
  props: DockerHostFleetProps,
  name: string,
): ComputeAddress {
  return new ComputeAddress(host, 'address', {
    project: props.project,
    region: props.region,
    name: `${props.addressPrefix}-${name}`,
    addressType: 'EXTERNAL',
    networkTier: 'PREMIUM',
    labels: { ...props.labels },
  });
}

function checkHostNames(id: string, hostNames: readonly string[]): void {
  if (hostNames.length === 0) {
    throw new Error(`DockerHostFleet "${id}": hostNames must name at least one host (got none)`);
  }
  const seen = new Set<string>();
  for (const name of hostNames) {
    if (!RFC1035_NAME.test(name) || seen.has(name)) {
      throw new Error(
        `DockerHostFleet "${id}": hostNames must be unique RFC1035 names such as "docker-host-001" (got "${name}")`,
      );
    }
    seen.add(name);
  }
}
