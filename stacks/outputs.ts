/**
 * The outputs contract of an environment stack, in both directions: what the stack outputs (`environmentOutputs`,
 * turned into TerraformOutputs by stacks/docker-hosts-stack.ts) and the typed parser that the driver and the
 * inventory generator read `cdktf output|deploy --outputs-file` with (stacks/outputs-parser.ts, which imports the
 * types from here). Each host's entry carries everything a consumer needs (its app URL, its DOCKER_HOST, its SSH
 * target): nobody derives them again.
 * The registry stack's contract (its hosts and repository URLs per environment) is stacks/registry-outputs.ts.
 * No cdktf import: the driver loads this file.
 */
import { sshHostAlias, type EnvironmentConfig, type Exposure } from '../config';

/** `direct`: SSH to the external IP; `iap`: through `gcloud compute start-iap-tunnel`. */
export type SshVia = 'direct' | 'iap';

/** One host, as the stack's `hosts` output describes it. */
export interface HostOutput {
  readonly name: string;
  readonly zone: string;
  /** Absent behind a load balancer: the host has no external IP. */
  readonly external_ip?: string;
  readonly internal_ip: string;
  /**
   * The GCE numeric instance id. A replaced host keeps its static IP but gets a new id (and a new SSH host key),
   * so host keys are pinned to `<name>-<instance_id>` (ssh's HostKeyAlias) instead of the IP. Absent: unknown.
   */
  readonly instance_id?: string;
  /**
   * `http://<external ip>:<app port>`; behind a load balancer `http://<internal ip>:<app port>`, reachable only
   * from inside the network (or through a tunnel).
   */
  readonly app_url: string;
  /** `<user>@<external ip>` (direct), or the ~/.ssh/config alias that tunnels through IAP. */
  readonly ssh: string;
  /** `ssh://<ssh>`: the host's DOCKER_HOST. */
  readonly docker_host: string;
  /**
   * The GCE device name of the host's data disk (`docker-hosts-data`: /dev/disk/by-id/google-docker-hosts-data).
   * Absent: the host has no data disk.
   */
  readonly data_disk?: string;
}

/** The outputs of an environment stack. */
export interface StackOutputs {
  /** Keyed by host name (the key equals `name`). */
  readonly hosts: Readonly<Record<string, HostOutput>>;
  readonly app_urls: readonly string[];
  /**
   * The environment's one URL (no trailing slash): the front door's (`http://<lb address>` or `https://<domain>`),
   * or with public IPs the first host's. Absent in outputs written before it existed.
   */
  readonly app_url?: string;
  /** `load-balancer` or `public-ips`. @default 'public-ips' (outputs written before it existed) */
  readonly exposure?: Exposure;
  /** The path the app answers health checks on. @default '/' */
  readonly app_health_path?: string;
  readonly ssh_user: string;
  readonly app_port: number;
  readonly environment: string;
  /** How SSH reaches the hosts (default "direct") and the project (needed for "iap"). */
  readonly ssh_via?: SshVia;
  readonly project?: string;
}

/** What the stack knows of a host: strings, which may be Terraform references. */
export interface HostFacts {
  /** The configured host name (`docker-host-001`): the output's key. */
  readonly key: string;
  readonly name: string;
  readonly zone: string;
  /** Absent when the host has no external IP. */
  readonly externalIp?: string;
  readonly internalIp: string;
  readonly instanceId: string;
  /** The data disk's device name, when the host has one. */
  readonly dataDisk?: string;
}

/** What the stack knows of the environment as a whole. */
export interface EnvironmentFacts {
  /** The front door's URL (no trailing slash), when there is one. */
  readonly frontDoorUrl?: string;
}

export interface OutputDefinition {
  readonly description?: string;
  readonly value: unknown;
}

/** A host's entry in the `hosts` output. */
export function hostEntry(config: EnvironmentConfig, h: HostFacts): HostOutput {
  const ssh =
    config.ssh.connectVia === 'iap'
      ? sshHostAlias(config.name, h.key)
      : `${config.ssh.user}@${h.externalIp}`;
  return {
    name: h.name,
    zone: h.zone,
    ...(h.externalIp === undefined ? {} : { external_ip: h.externalIp }),
    internal_ip: h.internalIp,
    instance_id: h.instanceId,
    app_url: `http://${h.externalIp ?? h.internalIp}:${config.app.port}`,
    ssh,
    docker_host: `ssh://${ssh}`,
    ...(h.dataDisk === undefined ? {} : { data_disk: h.dataDisk }),
  };
}

/** Every output of an environment stack, by output id, in the order they are defined. */
export function environmentOutputs(
  config: EnvironmentConfig,
  hosts: readonly HostFacts[],
  env: EnvironmentFacts,
) {
  const entries = hosts.map((h) => hostEntry(config, h));
  const outputs: Record<string, OutputDefinition> = {
    app_url: {
      description:
        env.frontDoorUrl === undefined
          ? 'The app: the first host (public-ips: every host has its own, see app_urls)'
          : `The app, through the load balancer${config.domain === undefined ? ', HTTP only (no domain)' : ''}`,
      value: env.frontDoorUrl ?? entries[0].app_url,
    },
    exposure: { value: config.exposure },
    app_health_path: {
      description: 'The path the app answers health checks on',
      value: config.app.healthCheckPath,
    },
    hosts: {
      description:
        'Each Docker host: name, zone, IPs, instance id (its SSH host-key alias), app URL, SSH target, DOCKER_HOST',
      value: Object.fromEntries(hosts.map((h, i) => [h.key, entries[i]])),
    },
    app_urls: {
      description:
        config.exposure === 'load-balancer'
          ? 'The app on each host, on its internal IP (reachable from inside the network only)'
          : 'The app on each host',
      value: entries.map((e) => e.app_url),
    },
    docker_hosts: {
      description:
        config.ssh.connectVia === 'iap'
          ? 'DOCKER_HOST value of each host: an ~/.ssh/config alias tunnelling through IAP (npm run pipeline -- env prints it)'
          : 'DOCKER_HOST value of each host (docker over SSH)',
      value: entries.map((e) => e.docker_host),
    },
    ssh_user: { value: config.ssh.user },
    ssh_via: {
      description:
        'How to reach the hosts over SSH: direct (external IP) or iap (gcloud start-iap-tunnel)',
      value: config.ssh.connectVia,
    },
    project: { value: config.projectId },
    app_port: { value: config.app.port },
    environment: { value: config.name },
  };
  return outputs;
}

/** Hosts in name order. */
export function hostList(outputs: Pick<StackOutputs, 'hosts'>): HostOutput[] {
  return Object.keys(outputs.hosts)
    .sort()
    .map((name) => outputs.hosts[name]);
}
