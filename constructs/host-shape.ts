/**
 * What a Docker host is, whoever runs it: the fixed fleet's instances (constructs/docker-host-fleet.ts) and the
 * managed fleet's instance template (constructs/host-template.ts) take the same props and the same metadata.
 */

/** The machine, disk, image, network, identity and logins of a Docker host. */
export interface HostShapeProps {
  /**
   * Compute Engine machine type.
   * @default 'e2-small'
   */
  readonly machineType?: string;
  /**
   * Boot disk size in GB.
   * @default 20
   */
  readonly diskSizeGb?: number;
  /**
   * Boot disk type; must be one the machine family takes (the config checks the pairing).
   * @default 'pd-balanced'
   */
  readonly diskType?: string;
  /** Project that owns the image family. */
  readonly imageProject: string;
  /** Image family the hosts boot from (the Packer-built `docker-host-base`). */
  readonly imageFamily: string;
  /**
   * VPC network.
   * @default 'default'
   */
  readonly network?: string;
  /** Network tags; the firewall rules target these. */
  readonly networkTags: readonly string[];
  /** Labels on the hosts, their disks, and what else carries them (addresses, the template). */
  readonly labels: Readonly<Record<string, string>>;
  /** Email of the hosts' dedicated service account. */
  readonly serviceAccountEmail: string;
  /** OAuth scopes of the service account on the hosts. */
  readonly scopes: readonly string[];
  /** Login user whose key goes into the instance metadata. */
  readonly sshUser: string;
  /**
   * OpenSSH public keys allowed to log in as `sshUser` (instance metadata `ssh-keys`).
   * @default none: no metadata key (OS Login)
   */
  readonly sshPublicKeys?: readonly string[];
  /**
   * Manage logins with OS Login instead of a metadata key.
   * @default false
   */
  readonly osLogin?: boolean;
}

/**
 * No project-wide keys, no serial port; the deploy user's key unless OS Login manages logins.: the fixed hosts' and
 * the managed fleet's instance template's.
 */
export function hostMetadata(
  props: Pick<HostShapeProps, 'osLogin' | 'sshPublicKeys' | 'sshUser'>,
): Record<string, string> {
  const osLogin = props.osLogin ?? false;
  const metadata: Record<string, string> = {
    'block-project-ssh-keys': 'TRUE',
    'serial-port-enable': 'FALSE',
    'enable-oslogin': osLogin ? 'TRUE' : 'FALSE',
  };
  const keys = props.sshPublicKeys ?? [];
  if (!osLogin && keys.length > 0)
    metadata['ssh-keys'] = keys.map((key) => `${props.sshUser}:${key}`).join('\n');
  return metadata;
}

/** Shielded VM: secure boot, vTPM and integrity monitoring, on every Docker host (DH3). */
export function shieldedVm() {
  return { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true };
}
