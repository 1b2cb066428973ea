/** An environment's Docker host as both fleet kinds build it: machine, disk, image, network, identity, logins. */
import type { EnvironmentConfig } from '../config';
import { hostScopes } from '../constructs/host-service-account';
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
    scopes: hostScopes(secretIds(config).length > 0),
    sshUser: config.ssh.user,
    sshPublicKeys: config.ssh.publicKeys,
    osLogin: config.ssh.osLogin,
  };
}

/** Every Secret Manager secret the app and the accessories read, once each. */
export function secretIds(config: EnvironmentConfig): string[] {
  const refs = [...config.app.secrets, ...config.accessories.flatMap((a) => a.secrets)];
  return [...new Set(refs.map((s) => s.secret))].sort();
}
