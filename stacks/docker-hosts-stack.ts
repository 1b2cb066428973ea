import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { GcsBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { EnvironmentConfig, REGISTRY_READER_ROLE, RegistryRepository } from '../config';
import { CloudNat } from '../constructs/cloud-nat';
import { DockerHostFleet } from '../constructs/docker-host-fleet';
import { FleetFirewall } from '../constructs/fleet-firewall';
import { FrontDoor } from '../constructs/front-door';
import { DataDisks } from '../constructs/data-disks';
import { HostServiceAccount } from '../constructs/host-service-account';
import { SecretAccess } from '../constructs/secret-access';
import { HOST_ROLE, roleLabels } from '../lib/constants';
import { hostProps, secretIds } from './host-props';
import { managedFleet } from './managed-fleet';
import { managedOutputs } from './managed-outputs';
import { environmentOutputs, HostFacts, OutputDefinition } from './outputs';
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
  /** The fixed fleet's hosts; absent with `fleet: managed` (stacks/managed-fleet.ts). */
  readonly fleet?: DockerHostFleet;
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
    const host = hostProps(
      config,
      serviceAccount.account.email,
      [HOST_ROLE, fleetTag(config.name)],
      labels,
    );
    if (config.managed !== undefined) {
      fleetFirewall(this, config);
      this.frontDoor = frontDoor(this, config, undefined, labels);
      this.nat = natOf(this, config);
      const managed = managedFleet(this, config, config.managed, this.frontDoor, host);
      this.output(managedOutputs(config, managed));
      return;
    }
    const dataDisks = dataDisksOf(this, config, labels);
    const fleet = new DockerHostFleet(this, 'fleet', {
      ...host,
      project: config.projectId,
      region: config.region,
      zone: config.zone,
      hostNames: config.hostNames,
      addressPrefix: config.name,
      externalAddress: config.exposure === 'public-ips',
      deletionProtection: config.deletionProtection,
      dataDisks: dataDisks && selfLinks(dataDisks),
    });
    this.fleet = fleet;
    fleetFirewall(this, config);
    const secrets = secretIds(config);
    if (secrets.length > 0) {
      new SecretAccess(this, 'secret-access', {
        project: config.projectId,
        secrets,
        member: serviceAccount.account.member,
      });
    }
    if (config.exposure === 'load-balancer') {
      this.frontDoor = frontDoor(this, config, fleet, labels);
      this.nat = natOf(this, config);
    }
    // The machine-readable contract read by the driver and the Ansible inventory generator: stacks/outputs.ts.
    this.output(
      environmentOutputs(config, hostFacts(fleet), { frontDoorUrl: this.frontDoor?.url }),
    );
  }

  private output(outputs: Record<string, OutputDefinition>): void {
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

/** Ingress to the fleet: the app, SSH, and the accessories' ports between the fleet's own hosts. */
function fleetFirewall(scope: Construct, config: EnvironmentConfig): FleetFirewall {
  return new FleetFirewall(scope, 'firewall', {
    project: config.projectId,
    network: config.network,
    namePrefix: `${config.name}-docker-hosts`,
    targetTag: fleetTag(config.name),
    appPort: config.app.port,
    appSourceRanges: config.appSourceRanges,
    sshSourceRanges: config.sshSourceRanges,
    accessoryPorts: config.accessories.flatMap((a) => (a.port === undefined ? [] : [a.port])),
  });
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
    ...(h.dataDisk === undefined ? {} : { dataDisk: h.dataDisk }),
  }));
}

function dataDisksOf(
  scope: Construct,
  config: EnvironmentConfig,
  labels: Record<string, string>,
): DataDisks | undefined {
  const disk = config.dataDisk;
  if (disk === undefined) return undefined;
  return new DataDisks(scope, 'data-disks', {
    project: config.projectId,
    region: config.region,
    zone: config.zone,
    namePrefix: config.name,
    hosts: disk.hosts,
    sizeGb: disk.sizeGb,
    type: disk.type,
    labels,
    schedule: disk.snapshots.parsed,
    retentionDays: disk.snapshots.retentionDays,
  });
}

function selfLinks(disks: DataDisks): Record<string, string> {
  return Object.fromEntries(Object.entries(disks.disks).map(([host, d]) => [host, d.selfLink]));
}

/** The Cloud NAT the hosts without an external IP reach out through. */
function natOf(scope: Construct, config: EnvironmentConfig): CloudNat {
  return new CloudNat(scope, 'nat', {
    project: config.projectId,
    region: config.region,
    network: config.network,
    name: `${config.name}-docker-hosts-${config.region}`,
  });
}

/**
 * The environment's load balancer, its backends the fixed fleet's hosts (every host is in the environment's zone),
 * or without a fixed fleet the managed group it is then told to serve.
 */
function frontDoor(
  scope: Construct,
  config: EnvironmentConfig,
  fleet: DockerHostFleet | undefined,
  labels: Record<string, string>,
): FrontDoor {
  return new FrontDoor(scope, 'front-door', {
    project: config.projectId,
    namePrefix: `${config.name}-docker-hosts`,
    network: config.network,
    zones:
      fleet === undefined
        ? []
        : [{ zone: config.zone, instances: fleet.hosts.map((h) => h.instance.selfLink) }],
    managedGroup: fleet === undefined,
    appPort: config.app.port,
    healthCheckPath: config.app.healthCheckPath,
    ...(config.domain === undefined ? {} : { domain: config.domain }),
    logSampleRate: config.lbLogSampleRate,
    labels,
  });
}
