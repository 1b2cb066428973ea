import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { GcsBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { EnvironmentConfig, REGISTRY_READER_ROLE, RegistryRepository } from '../config';
import { CloudNat } from '../constructs/cloud-nat';
import { DockerHostFleet } from '../constructs/docker-host-fleet';
import { FleetFirewall } from '../constructs/fleet-firewall';
import { FrontDoor } from '../constructs/front-door';
import { HOST_SCOPES, HostServiceAccount } from '../constructs/host-service-account';
import { HOST_ROLE, roleLabels } from '../lib/constants';
import { environmentOutputs, HostFacts } from './outputs';
import { ReadableStack } from './readable-stack';
import { googleProvider } from './google-provider';

/** Network tag on every Docker host of an environment; the firewall rules target it. */
export function fleetTag(environment: string): string {
  return `${HOST_ROLE}-${environment}`;
}

/**
 * One environment (stage, prod, ...): its Docker hosts, their firewall rules and service account, and with
 * `exposure: load-balancer` the front door (global HTTP(S) load balancer) and the Cloud NAT the hosts' egress takes,
 * with state in the backend bucket under the environment's own prefix.
 */
export class DockerHostsStack extends ReadableStack {
  readonly fleet: DockerHostFleet;
  /** Present with `exposure: load-balancer`. */
  readonly frontDoor?: FrontDoor;
  /** Present with `exposure: load-balancer`: the hosts have no external IP. */
  readonly nat?: CloudNat;

  /** @param registry the project's app repository (registry stack); the hosts may read it, nothing else */
  constructor(scope: Construct, config: EnvironmentConfig, registry: RegistryRepository) {
    super(scope, config.name);
    new GcsBackend(this, { bucket: config.state.bucket, prefix: config.state.prefix });
    googleProvider(this, {
      project: config.projectId,
      region: config.region,
      zone: config.zone,
    });

    const labels = { ...config.labels, env: config.name, ...roleLabels(HOST_ROLE, 'cdktf') };
    const serviceAccount = this.hostAccount(config, registry);
    this.fleet = new DockerHostFleet(this, 'fleet', {
      project: config.projectId,
      region: config.region,
      zone: config.zone,
      hostNames: config.hostNames,
      addressPrefix: config.name,
      externalAddress: config.exposure === 'public-ips',
      deletionProtection: config.deletionProtection,
      machineType: config.machineType,
      diskSizeGb: config.diskSizeGb,
      diskType: config.diskType,
      imageProject: config.projectId,
      imageFamily: config.imageFamily,
      network: config.network,
      networkTags: [HOST_ROLE, fleetTag(config.name)],
      labels,
      serviceAccountEmail: serviceAccount.account.email,
      scopes: HOST_SCOPES,
      sshUser: config.ssh.user,
      sshPublicKeys: config.ssh.publicKeys,
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

    if (config.exposure === 'load-balancer') {
      this.frontDoor = frontDoor(this, config, this.fleet, labels);
      this.nat = new CloudNat(this, 'nat', {
        project: config.projectId,
        region: config.region,
        network: config.network,
        name: `${config.name}-docker-hosts-${config.region}`,
      });
    }

    // The machine-readable contract read by the driver and the Ansible inventory generator: stacks/outputs.ts.
    const outputs = environmentOutputs(config, hostFacts(this.fleet), {
      frontDoorUrl: this.frontDoor?.url,
    });
    for (const [id, output] of Object.entries(outputs)) new TerraformOutput(this, id, output);
  }

  /** The hosts' own service account, which may pull from the app's repository and nothing else. */
  private hostAccount(config: EnvironmentConfig, registry: RegistryRepository): HostServiceAccount {
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
    return serviceAccount;
  }
}

/** What the outputs say of each host: Terraform references. */
function hostFacts(fleet: DockerHostFleet): HostFacts[] {
  return fleet.hosts.map((h) => ({
    key: h.name,
    name: h.instance.name,
    zone: h.instance.zone,
    ...(h.address === undefined ? {} : { externalIp: h.address.address }),
    internalIp: h.instance.networkInterface.get(0).networkIp,
    instanceId: h.instance.instanceId,
  }));
}

/** The environment's load balancer, its backends the fleet's hosts (every host is in the environment's zone). */
function frontDoor(
  scope: Construct,
  config: EnvironmentConfig,
  fleet: DockerHostFleet,
  labels: Record<string, string>,
): FrontDoor {
  return new FrontDoor(scope, 'front-door', {
    project: config.projectId,
    namePrefix: `${config.name}-docker-hosts`,
    network: config.network,
    zones: [{ zone: config.zone, instances: fleet.hosts.map((h) => h.instance.selfLink) }],
    appPort: config.app.port,
    healthCheckPath: config.app.healthCheckPath,
    ...(config.domain === undefined ? {} : { domain: config.domain }),
    logSampleRate: config.lbLogSampleRate,
    labels,
  });
}
