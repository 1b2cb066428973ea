/** An environment's Docker host as both fleet kinds build it: machine, disk, image, network, identity, logins. */
import type { EnvironmentConfig } from '../config';
import { HOST_SCOPES } from '../constructs/host-service-account';
import type { HostShapeProps } from '../constructs/host-shape';

export function hostProps(
  config: EnvironmentConfig,
  serviceAccountEmail: string,
  networkTags: readonly string[],
  labels: Readonly<Record<string, string>>,
): HostShapeProps {
  return {
    machineType: config.machineType,
    diskSizeGb: config.diskSizeGb,
    diskType: config.diskType,
    imageProject: config.projectId,
    imageFamily: config.imageFamily,
    network: config.network,
    networkTags,
    labels,
    serviceAccountEmail,
    scopes: HOST_SCOPES,
    sshUser: config.ssh.user,
    sshPublicKeys: config.ssh.publicKeys,
    osLogin: config.ssh.osLogin,
  };
}
