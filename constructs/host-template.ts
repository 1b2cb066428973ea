import { ComputeRegionInstanceTemplate } from '@cdktf/provider-google/lib/compute-region-instance-template';
import { Construct } from 'constructs';
import { hostMetadata, HostShapeProps, shieldedVm } from './host-shape';

/** The instance metadata key a managed host's boot unit reads its release from (the docker_host role's unit). */
export const RELEASE_METADATA_KEY = 'docker-hosts-release';

export interface HostTemplateProps extends HostShapeProps {
  readonly project: string;
  readonly region: string;
  /** Start of the template's name; Terraform appends a unique suffix, so a changed template is a new one. */
  readonly namePrefix: string;
  /**
   * The release every host of the template serves: the JSON of the `docker-hosts-release` metadata key (a
   * Terraform expression: the release variable goes in at plan time).
   */
  readonly release: string;
}

/**
 * A regional instance template for the managed fleet: the fixed hosts' hardening (shielded VM, no project-wide SSH
 * keys, serial port off, no IP forwarding, the fleet's own service account with narrow scopes), no external IP
 * (the hosts sit behind the front door and reach out through Cloud NAT), and the release in its metadata. A
 * template cannot change: any edit (a new release) makes a new one before the old goes, which the group rolls.
 */
export class HostTemplate extends Construct {
  readonly template: ComputeRegionInstanceTemplate;

  constructor(scope: Construct, id: string, props: HostTemplateProps) {
    super(scope, id);
    this.template = new ComputeRegionInstanceTemplate(this, 'Default', {
      project: props.project,
      region: props.region,
      namePrefix: props.namePrefix,
      machineType: props.machineType ?? 'e2-small',
      tags: [...props.networkTags],
      labels: { ...props.labels },
      disk: [
        {
          boot: true,
          autoDelete: true,
          sourceImage: `projects/${props.imageProject}/global/images/family/${props.imageFamily}`,
          diskSizeGb: props.diskSizeGb ?? 20,
          diskType: props.diskType ?? 'pd-balanced',
          labels: { ...props.labels },
        },
      ],
      networkInterface: [{ network: props.network ?? 'default' }],
      serviceAccount: { email: props.serviceAccountEmail, scopes: [...props.scopes] },
      shieldedInstanceConfig: shieldedVm(),
      canIpForward: false,
      metadata: { ...hostMetadata(props), [RELEASE_METADATA_KEY]: props.release },
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
