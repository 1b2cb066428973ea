import { AddressPool } from './addresses';

/**
 * What Compute adds to an inserted resource of each collection, beyond the common fields: the defaults
 * the provider reads back and would otherwise show as a diff.
 */
export function collectionDefaults(
  collection: string,
  res: Record<string, any>,
  link: string,
  addresses: AddressPool,
): void {
  const scope = link.slice(0, link.indexOf(`/${collection}/`));
  const project = link.slice(0, link.search(/\/(zones|regions|global)\//));
  if (collection === 'addresses' || collection === 'globalAddresses')
    addressDefaults(res, link, addresses);
  if (collection === 'firewalls') firewallDefaults(res, project);
  if (collection === 'instances') instanceDefaults(res, scope, project, addresses.hostOf(res.name));
  if (collection === 'instanceGroups') res.size = 0;
  if (collection === 'sslCertificates' || collection === 'managedSslCertificates')
    certificateDefaults(res);
  if (collection === 'forwardingRules' || collection === 'globalForwardingRules') ruleDefaults(res);
  if (collection === 'images') res.status = 'READY';
  if (collection === 'disks') diskDefaults(res, scope);
  if (collection === 'resourcePolicies') res.status = 'READY';
  if (collection === 'instanceGroupManagers') groupManagerDefaults(res, scope);
}

/**
 * A managed instance group as Compute returns it once created: its instance group's link (what a backend service
 * serves), stable at its version target, spread evenly over its zones.
 */
function groupManagerDefaults(res: Record<string, any>, scopeLink: string): void {
  res.instanceGroup = `${scopeLink}/instanceGroups/${res.name}`;
  res.targetSize ??= 0;
  res.listManagedInstancesResults ??= 'PAGELESS';
  res.status = {
    isStable: true,
    versionTarget: { isReached: true },
    allInstancesConfig: { effective: true },
    stateful: { hasStatefulConfig: false, perInstanceConfigs: { allEffective: true } },
  };
  if (res.distributionPolicy) res.distributionPolicy.targetShape ??= 'EVEN';
}

/** A persistent disk: READY, its size as the string Compute returns, its type and policies as full links. */
function diskDefaults(res: Record<string, any>, zoneLink: string): void {
  res.status = 'READY';
  res.sizeGb = String(res.sizeGb ?? '10');
  res.type = qualify(res.type ?? 'pd-standard', zoneLink, 'diskTypes');
  res.physicalBlockSizeBytes ??= '4096';
  res.resourcePolicies = (res.resourcePolicies ?? []).map((p: string) => policyLink(p, zoneLink));
}

/** A resource policy as the full link Compute returns (the provider sends `projects/…/resourcePolicies/<name>`). */
export function policyLink(policy: string, zoneLink: string): string {
  if (policy.startsWith('http')) return policy;
  const root = zoneLink.slice(0, zoneLink.indexOf('/projects/'));
  if (policy.startsWith('projects/')) return `${root}/${policy}`;
  const region = regionOf(zoneLink);
  return `${zoneLink.slice(0, zoneLink.indexOf('/zones/'))}/regions/${region}/resourcePolicies/${policy}`;
}

function addressDefaults(res: Record<string, any>, link: string, addresses: AddressPool): void {
  res.address ??= addresses.take(link.includes('/global/'), res.name);
  res.addressType ??= 'EXTERNAL';
  res.networkTier ??= link.includes('/global/') ? undefined : 'PREMIUM';
  res.status = 'RESERVED';
}

function firewallDefaults(res: Record<string, any>, project: string): void {
  res.network = networkLink(res.network ?? 'default', project);
  res.direction ??= 'INGRESS';
  res.priority ??= 1000;
  res.disabled ??= false;
  res.logConfig ??= { enable: false };
}

/** `hostIp`: the internal IP of the test's host the instance stands for, if any. */
function instanceDefaults(
  res: Record<string, any>,
  zoneLink: string,
  project: string,
  hostIp: string | undefined,
): void {
  res.status = 'RUNNING';
  res.machineType = qualify(res.machineType, zoneLink, 'machineTypes');
  res.cpuPlatform = 'Intel Broadwell';
  res.networkInterfaces = (res.networkInterfaces ?? []).map(
    (nic: Record<string, any>, i: number) => ({
      ...nic,
      name: `nic${i}`,
      network: networkLink(nic.network ?? 'default', project),
      subnetwork: nic.subnetwork ?? `${project}/regions/${regionOf(zoneLink)}/subnetworks/default`,
      networkIP: nic.networkIP ?? (i === 0 ? hostIp : undefined) ?? `10.132.0.${2 + i}`,
      fingerprint: 'nicfp',
      stackType: nic.stackType ?? 'IPV4_ONLY',
    }),
  );
  res.scheduling ??= {};
  res.scheduling.onHostMaintenance ??= 'MIGRATE';
  res.scheduling.automaticRestart ??= true;
  res.scheduling.preemptible ??= false;
  res.scheduling.provisioningModel ??= 'STANDARD';
}

function certificateDefaults(res: Record<string, any>): void {
  res.type ??= 'MANAGED';
  if (res.managed) res.managed.status = 'PROVISIONING';
}

function ruleDefaults(res: Record<string, any>): void {
  res.IPProtocol ??= 'TCP';
  res.loadBalancingScheme ??= 'EXTERNAL';
  res.labelFingerprint ??= 'lfp0';
}

/** A network name or partial path as the full link Compute returns. */
export function networkLink(network: string, project: string): string {
  if (network.startsWith('http')) return network;
  if (network.startsWith('projects/'))
    return `${project.slice(0, project.indexOf('/projects/'))}/${network}`;
  return `${project}/global/networks/${network}`;
}

function qualify(
  value: string | undefined,
  scopeLink: string,
  collection: string,
): string | undefined {
  if (!value || value.startsWith('http')) return value;
  const name = value.split('/').pop();
  return `${scopeLink}/${collection}/${name}`;
}

function regionOf(zoneLink: string): string {
  return (zoneLink.split('/').pop() ?? '').replace(/-[a-z]$/, '');
}
