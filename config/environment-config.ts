import type { AppBuildConfig, AppBuildSpec, RegistryConfig, RegistrySpec } from './registry';

/**
 * The typed shape of the environment configuration and its validation.
 *
 * Everything an operator tunes lives in one record per environment (config/environments.ts).
 * `resolveEnvironments` checks every record up front and returns fully-defaulted, frozen values;
 * nothing is synthesized or written before that succeeds.
 */

import type { BootDiskType } from './gcp';
import type { FleetKind, ManagedConfig, ManagedSpec } from './managed';

export { WIDEST_ADMIN_PREFIX } from './cidr';

/** Google's IAP TCP-forwarding range: the only default source of SSH traffic. */
export const IAP_SSH_RANGE = '35.235.240.0/20';

/** How an environment's app is reached: see EnvironmentSpec.exposure. */
export const EXPOSURES = ['load-balancer', 'public-ips'] as const;
export type Exposure = (typeof EXPOSURES)[number];

/** Where Google's load balancers and health checks come from: the only sources of app traffic behind a front door. */
export const GOOGLE_LB_RANGES: readonly string[] = ['35.191.0.0/16', '130.211.0.0/22'];

/** Project id used when the config names none: valid, obviously fake, refused by the driver's preflight. */
export const PLACEHOLDER_PROJECT_ID = 'example-project-change-me';

/** The OS Login user the shipped records name until an operator sets theirs: valid, refused by the driver. */
export const PLACEHOLDER_OS_LOGIN_USER = 'ops_example_com';

/** The largest fleet one environment may ask for; above this a typo is more likely than intent. */
export const MAX_HOST_COUNT = 50;

/** What an operator writes for one environment. Optional fields document their defaults. */
export interface EnvironmentSpec {
  /** Stack name and state prefix, e.g. `stage`; lowercase letters, digits and hyphens. */
  readonly name: string;
  /**
   * GCP project id. Committed config: synth reads no environment variable.
   * @default a placeholder, fine for synth and review; the driver refuses to deploy it
   */
  readonly projectId?: string;
  /** GCP region, e.g. `europe-west1`. */
  readonly region: string;
  /** GCP zone inside `region`, e.g. `europe-west1-b`. */
  readonly zone: string;
  /**
   * Number of Docker hosts, named docker-host-001, docker-host-002, ...
   * @default 1
   */
  readonly hostCount?: number;
  /**
   * Compute Engine machine type of each host.
   * @default 'e2-small'
   */
  readonly machineType?: string;
  /**
   * Boot disk type; it must be one the machine family takes (N4, C4 and C4D take only Hyperdisk).
   * @default the family's first: 'pd-balanced', or 'hyperdisk-balanced' for Hyperdisk-only families
   */
  readonly diskType?: BootDiskType;
  /**
   * Boot disk size in GB.
   * @default 20
   */
  readonly diskSizeGb?: number;
  /**
   * Image family the hosts boot from (built by packer/).
   * @default 'docker-host-base'
   */
  readonly imageFamily?: string;
  /**
   * Public image family Packer starts from.
   * @default 'debian-13'
   */
  readonly sourceImageFamily?: string;
  /**
   * Project that owns `sourceImageFamily`.
   * @default 'debian-cloud'
   */
  readonly sourceImageProject?: string;
  /**
   * VPC network the hosts and firewall rules live in.
   * @default 'default'
   */
  readonly network?: string;
  /**
   * How the app is reached. `load-balancer`: a global external Application Load Balancer on a reserved address
   * (the environment's one URL); the hosts have no external IP, their app port is open only to Google's
   * load-balancer ranges, SSH goes through IAP and egress through Cloud NAT. `public-ips`: a static external IP
   * per host, the app port open to `appSourceRanges` (a quick single-host rehearsal).
   * @default 'load-balancer'
   */
  readonly exposure?: Exposure;
  /**
   * With `load-balancer`: the domain the app is served on, over HTTPS with a Google-managed certificate
   * (HTTP redirects to HTTPS). Point its DNS A record at the front door's address.
   * @default none: HTTP only, on the front door's address
   */
  readonly domain?: string;
  /**
   * With `load-balancer`: the share of requests the backend service logs, from 0 to 1.
   * @default 1
   */
  readonly lbLogSampleRate?: number;
  /**
   * Refuse to delete the hosts (instance deletion_protection): set it on prod.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * With `public-ips`: IPv4 CIDR ranges allowed to reach the app port (with `load-balancer` only Google's
   * load-balancer ranges reach it, and this field is refused).
   * @default ['0.0.0.0/0'] (the app is a public web service)
   */
  readonly appSourceRanges?: readonly string[];
  /**
   * IPv4 CIDR ranges allowed to reach SSH (22). 0.0.0.0/0, or any range wider than a /8, is refused
   * unless `allowSshFromAnywhere`.
   * @default ['35.235.240.0/20'] (Google IAP only)
   */
  readonly sshSourceRanges?: readonly string[];
  /**
   * Explicit opt-in to SSH from the whole internet.
   * @default false
   */
  readonly allowSshFromAnywhere?: boolean;
  /**
   * Extra labels on every resource that takes labels (env, role and managed-by are always set; the image also
   * gets source-image-family and source-hash). At most 60, so that every resource stays within Google's 64.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** SSH access to the hosts. @default see SshSpec */
  readonly ssh?: SshSpec;
  /** The containerised app deployed onto the hosts. @default see AppSpec */
  readonly app?: AppSpec;
  /** How a release reaches the hosts: a canary first, then batches. @default see RolloutSpec */
  readonly rollout?: RolloutSpec;
  /**
   * `fixed`: `hostCount` named hosts, configured and released by Ansible. `managed`: a regional managed instance
   * group that Google heals, scales and rolls (see ManagedSpec); it needs exposure `load-balancer` and refuses
   * `hostCount`, `rollout` and `deletionProtection`.
   * @default 'fixed'
   */
  readonly fleet?: FleetKind;
  /** With `fleet: 'managed'`: the group's size, autoscaling and rolling update. @default see ManagedSpec */
  readonly managed?: ManagedSpec;
}

/**
 * The swap of a release (site.yml's and rollback.yml's rolling play, Ansible's list form of `serial`): `canary`
 * hosts alone first, then the rest `batch` hosts at a time. A failure in any batch stops the rollout there; the
 * hosts of later batches are not touched.
 */
export interface RolloutSpec {
  /**
   * Hosts swapped alone first, from 1 to hostCount.
   * @default 1
   */
  readonly canary?: number;
  /**
   * The size of each later batch: a host count (1 to 50) or a percentage of the fleet such as '25%' (rounded
   * down, at least one host).
   * @default '25%'
   */
  readonly batch?: number | string;
}

export interface SshSpec {
  /**
   * Login user on the hosts; Ansible connects as this user and adds it to the docker group.
   * With `osLogin`, the OS Login POSIX user name of the identity that deploys (e.g. `ops_example_com`, or a CI
   * service account's `sa_<uniqueId>`), which must then be given.
   * @default 'deploy'
   */
  readonly user?: string;
  /**
   * Who may log in, as committed config: the OpenSSH public keys (one line each) installed for `user` through
   * instance metadata. Required unless `osLogin`; never read from a file or the environment at synth.
   * @default none
   */
  readonly publicKeys?: readonly string[];
  /**
   * Private key Ansible and the driver log in with (`~` is expanded): a local setting of whoever runs the
   * driver, never read at synth and never part of the synthesized JSON. With OS Login, `<privateKeyFile>.pub`
   * is the key registered on your OS Login profile.
   * @default '~/.ssh/docker-hosts'
   */
  readonly privateKeyFile?: string;
  /**
   * Use OS Login (IAM-managed POSIX accounts, `roles/compute.osAdminLogin`) instead of metadata keys: who may log
   * in is then IAM policy, audited and revocable in one place. Preferred for teams.
   * @default false
   */
  readonly osLogin?: boolean;
  /**
   * How Ansible, the driver and `docker -H ssh://` reach the hosts: `direct` to the external IP, or
   * `iap` through `gcloud compute start-iap-tunnel` (needs the gcloud CLI and IAP-secured Tunnel User).
   * @default 'iap' when sshSourceRanges is only Google's IAP range, else 'direct'
   */
  readonly connectVia?: 'direct' | 'iap';
}

export interface AppSpec {
  /**
   * Prebuilt container image deployed on every host. Exclusive with `build`.
   * @default 'vladimirdenisov69/otus-reddit:1.0' (unless `build` is given)
   */
  readonly image?: string;
  /**
   * Build the image from this repository and push it to the project's registry instead (exclusive with `image`).
   * @default none: the prebuilt `image` is deployed
   */
  readonly build?: AppBuildSpec;
  /**
   * Port the app listens on, published on the host and opened in the firewall.
   * @default 9292
   */
  readonly port?: number;
  /**
   * Name of the app container on each host.
   * @default 'app'
   */
  readonly containerName?: string;
  /**
   * The path the app answers health checks on: the load balancer's health check, the driver's check and the
   * on-host proxy (Ansible's `app_health_path`) all read it.
   * @default '/'
   */
  readonly healthCheckPath?: string;
}

/** Project-wide settings that are not per environment. */
export interface ProjectSpec {
  /**
   * GCS location of the Terraform state bucket(s): a multi-region (US, EU, ASIA), a predefined dual-region
   * (EUR4, NAM4, ...) or a region.
   * @default 'EU'
   */
  readonly stateLocation?: string;
  /**
   * Noncurrent state versions kept per object before the oldest are deleted.
   * @default 10
   */
  readonly stateVersionsKept?: number;
  /**
   * Where the backend stack keeps its own state: `local` (./backend.tfstate, for the very first
   * deploy, when no bucket exists yet) or `gcs` (the first environment's bucket, prefix
   * `docker-hosts/backend`; switch after the first deploy and run `cdktf deploy backend --migrate-state`).
   * @default 'local'
   */
  readonly backendState?: 'local' | 'gcs';
  /** The project's Docker repository in Artifact Registry. @default see RegistrySpec */
  readonly registry?: RegistrySpec;
  /** One record per environment. */
  readonly environments: readonly EnvironmentSpec[];
}

/** A validated environment with every default applied. */
export interface EnvironmentConfig {
  readonly name: string;
  readonly projectId: string;
  readonly projectIdIsPlaceholder: boolean;
  readonly region: string;
  readonly zone: string;
  readonly hostCount: number;
  readonly hostNames: readonly string[];
  readonly machineType: string;
  readonly diskType: BootDiskType;
  readonly diskSizeGb: number;
  readonly imageFamily: string;
  readonly sourceImageFamily: string;
  readonly sourceImageProject: string;
  readonly network: string;
  readonly exposure: Exposure;
  /** With `load-balancer` only. */
  readonly domain?: string;
  readonly lbLogSampleRate: number;
  readonly deletionProtection: boolean;
  /** With `load-balancer`: Google's load-balancer ranges. */
  readonly appSourceRanges: readonly string[];
  readonly sshSourceRanges: readonly string[];
  readonly allowSshFromAnywhere: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly ssh: {
    readonly user: string;
    readonly publicKeys: readonly string[];
    /** Local: `~` expanded for whoever resolves the config; not synthesized. */
    readonly privateKeyFile: string;
    /** Local: `<privateKeyFile>.pub`, the key registered with OS Login. */
    readonly publicKeyFile: string;
    readonly osLogin: boolean;
    readonly connectVia: 'direct' | 'iap';
  };
  readonly app: {
    /** The prebuilt image; with `build`, the registry path the build pushes to (the tag comes from the build). */
    readonly image: string;
    readonly build?: AppBuildConfig;
    readonly port: number;
    readonly containerName: string;
    readonly healthCheckPath: string;
  };
  readonly rollout: {
    readonly canary: number;
    readonly batch: number | string;
  };
  /** `managed`: hostCount is 0 and hostNames empty (Google names the group's hosts). */
  readonly fleet: FleetKind;
  /** With `fleet: 'managed'` only. */
  readonly managed?: ManagedConfig;
  /** Where this environment's Terraform state lives. */
  readonly state: {
    readonly bucket: string;
    readonly prefix: string;
  };
}

export interface ProjectConfig {
  readonly stateLocation: string;
  readonly backendState: 'local' | 'gcs';
  readonly stateVersionsKept: number;
  readonly registry: RegistryConfig;
  readonly environments: readonly EnvironmentConfig[];
}
