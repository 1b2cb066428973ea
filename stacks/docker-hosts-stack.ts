import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { GcsBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { EnvironmentConfig, REGISTRY_READER_ROLE, RegistryRepository, sshHostAlias } from '../config';
import { DockerHostFleet } from '../constructs/docker-host-fleet';
import { FleetFirewall } from '../constructs/fleet-firewall';
import { HOST_SCOPES, HostServiceAccount } from '../constructs/host-service-account';
import { ReadableStack } from './readable-stack';

/** Network tag on every Docker host of an environment; the firewall rules target it. */
export function fleetTag(environment: string): string {
  return `docker-host-${environment}`;
}

/**
 * One environment (stage, prod, ...): its Docker hosts, their firewall rules and service account,
 * with state in the backend bucket under the environment's own prefix.
 */
export class DockerHostsStack extends ReadableStack {
  readonly fleet: DockerHostFleet;

  /** @param registry the project's app repository (registry stack); the hosts may read it, nothing else */
  constructor(scope: Construct, config: EnvironmentConfig, registry: RegistryRepository) {
    super(scope, config.name);
    new GcsBackend(this, { bucket: config.state.bucket, prefix: config.state.prefix });
    new GoogleProvider(this, 'google', { project: config.projectId, region: config.region, zone: config.zone });

    const labels = { ...config.labels, env: config.name, role: 'docker-host', 'managed-by': 'cdktf' };
    const serviceAccount = new HostServiceAccount(this, 'service-account', {
      project: config.projectId,
      accountId: `docker-hosts-${config.name}`,
      displayName: `Docker hosts (${config.name})`,
    });
    // Pull access on the app's repository only (never a project-wide Artifact Registry role).
    new ArtifactRegistryRepositoryIamMember(this, 'registry-reader', {
      project: registry.project,
      location: registry.location,
      repository: registry.repository,
      role: REGISTRY_READER_ROLE,
      member: serviceAccount.account.member,
    });
    this.fleet = new DockerHostFleet(this, 'fleet', {
      project: config.projectId,
      region: config.region,
      zone: config.zone,
      hostNames: config.hostNames,
      addressPrefix: config.name,
      machineType: config.machineType,
      diskSizeGb: config.diskSizeGb,
      imageProject: config.projectId,
      imageFamily: config.imageFamily,
      network: config.network,
      networkTags: ['docker-host', fleetTag(config.name)],
      labels,
      serviceAccountEmail: serviceAccount.account.email,
      scopes: HOST_SCOPES,
      sshUser: config.ssh.user,
      sshPublicKey: config.ssh.publicKey,
      osLogin: config.ssh.osLogin,
    });
    new FleetFirewall(this, 'firewall', {
      project: config.projectId,
      network: config.network,
      namePrefix: `${config.name}-docker-hosts`,
      targetTag: fleetTag(config.name),
      appPort: config.app.port,
      appSourceRanges: config.appSourceRanges,
      sshSourceRanges: config.sshSourceRanges,
    });

    // The machine-readable contract read by the driver and the Ansible inventory generator.
    const hosts = this.fleet.hosts;
    new TerraformOutput(this, 'hosts', {
      description: 'Each Docker host: name, zone, external and internal IP, instance id (its SSH host-key alias)',
      value: Object.fromEntries(
        hosts.map((h) => [
          h.name,
          {
            name: h.instance.name,
            zone: h.instance.zone,
            external_ip: h.address.address,
            internal_ip: h.instance.networkInterface.get(0).networkIp,
            instance_id: h.instance.instanceId,
          },
        ]),
      ),
    });
    new TerraformOutput(this, 'app_urls', {
      description: 'The app on each host',
      value: hosts.map((h) => `http://${h.address.address}:${config.app.port}`),
    });
    new TerraformOutput(this, 'docker_hosts', {
      description:
        config.ssh.connectVia === 'iap'
          ? 'DOCKER_HOST value of each host: an ~/.ssh/config alias tunnelling through IAP (npm run pipeline -- env prints it)'
          : 'DOCKER_HOST value of each host (docker over SSH)',
      value: hosts.map((h) =>
        config.ssh.connectVia === 'iap'
          ? `ssh://${sshHostAlias(config.name, h.name)}`
          : `ssh://${config.ssh.user}@${h.address.address}`,
      ),
    });
    new TerraformOutput(this, 'ssh_user', { value: config.ssh.user });
    new TerraformOutput(this, 'ssh_via', {
      description: 'How to reach the hosts over SSH: direct (external IP) or iap (gcloud start-iap-tunnel)',
      value: config.ssh.connectVia,
    });
    new TerraformOutput(this, 'project', { value: config.projectId });
    new TerraformOutput(this, 'app_port', { value: config.app.port });
    new TerraformOutput(this, 'environment', { value: config.name });
  }
}
