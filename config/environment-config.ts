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
   * `hostCount`, `rollout`, `deletionProtection`, `accessories`, `dataDisk` and app env, secrets and volumes.
   * @default 'fixed'
   */
  readonly fleet?: FleetKind;
  /** With `fleet: 'managed'`: the group's size, autoscaling and rolling update. @default see ManagedSpec */
  readonly managed?: ManagedSpec;
  /**
   * Long-running containers next to the app (a database, a cache), keyed by container name (e.g. `mongo`): booted
   * by `up` on their one host, changed only when their own definition changes, never by an app deploy or rollback.
   * @default {}
   */
  readonly accessories?: Readonly<Record<string, AccessorySpec>>;
  /**
   * A persistent disk per host for data that must outlive the host (accessory and app volumes): attached as
   * device `docker-hosts-data`, mounted at /mnt/disks/data, protected from deletion, kept and re-attached when the
   * host is replaced, snapshotted on a schedule.
   * @default none: volumes live on the boot disk and go with the host
   */
  readonly dataDisk?: DataDiskSpec;
}

/**
 * A Secret Manager secret in the environment's project: its id (`'reddit-db-password'`, the latest version), or
 * the id and a version (`{ secret: 'reddit-db-password', version: 3 }`). The hosts' service account may read
 * exactly the secrets named; the value is read on the host at deploy time and never appears in config or state.
 */
export type SecretRef = string | SecretVersionSpec;

export interface SecretVersionSpec {
  /** Secret id: 1-255 letters, digits, "_" and "-". */
  readonly secret: string;
  /**
   * Version number, or 'latest'.
   * @default 'latest'
   */
  readonly version?: string | number;
}

/**
 * What a container gets besides its image: plain environment variables, secrets as environment variables, and
 * volumes. Used by the app and by each accessory.
 */
export interface ContainerDataSpec {
  /**
   * Plain environment variables, `{ NAME: 'value' }` (names: letters, digits and "_", not starting with a digit).
   * A value that looks like a secret (a key block, a token, `password=`…) is refused: name it in `secrets`.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from Secret Manager: `{ NAME: 'secret-id' }` or `{ NAME: { secret, version } }`.
   * A name may not be in both `env` and `secrets`.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, SecretRef>>;
  /**
   * Volumes as Docker writes them, `'source:/path/in/container'` or `'source:/path/in/container:ro'`: a bare
   * source name (`'db'`) is `<data dir>/volumes/db`, a relative path (`'uploads/images'`) is `<data dir>/uploads/images`,
   * where the data dir is the data disk's mount point (/mnt/disks/data). Kept across deploys, rollbacks and prunes.
   * @default []
   */
  readonly volumes?: readonly string[];
}

/** One accessory: a container booted once on one host, on the app's Docker network. */
export interface AccessorySpec extends ContainerDataSpec {
  /** Image by tag or digest, e.g. `'mongo:4.4'` or `'mongo@sha256:…'`. */
  readonly image: string;
  /**
   * Port the accessory listens on: published on its host's internal address and opened to the fleet's own hosts
   * only (never to the internet), so the app on other hosts reaches it at `<host>:<port>`.
   * @default none: reachable by name from the app on its own host only
   */
  readonly port?: number;
  /**
   * The host it runs on: one of the environment's host names.
   * @default the first host, 'docker-host-001'
   */
  readonly host?: string;
}

/** A data disk on the environment's hosts (see EnvironmentSpec.dataDisk). */
export interface DataDiskSpec {
  /** Size in GB, from 10 to 65536. */
  readonly sizeGb: number;
  /**
   * Disk type; one the machine family takes.
   * @default the machine family's first: 'pd-balanced', or 'hyperdisk-balanced' for Hyperdisk-only families
   */
  readonly type?: BootDiskType;
  /**
   * The hosts that get one (host names of this environment).
   * @default every host
   */
  readonly hosts?: readonly string[];
  /** The snapshot schedule (a resource policy attached to the disks). @default see SnapshotSpec */
  readonly snapshots?: SnapshotSpec;
}

export interface SnapshotSpec {
  /**
   * When a snapshot is taken: `'daily at HH:00'` (UTC, on the hour, as Google schedules them) or `'every N hours'`
   * (N one of 1, 2, 3, 4, 6, 8, 12).
   * @default 'daily at 03:00'
   */
  readonly schedule?: string;
  /**
   * Days a snapshot is kept, from 1 to 3650.
   * @default 14
   */
  readonly retentionDays?: number;
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

export interface AppSpec extends ContainerDataSpec {
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
    readonly env: Readonly<Record<string, string>>;
    readonly secrets: readonly SecretConfig[];
    readonly volumes: readonly VolumeConfig[];
  };
  /** By name, in name order. */
  readonly accessories: readonly AccessoryConfig[];
  /** Absent: no host has a data disk. */
  readonly dataDisk?: DataDiskConfig;
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

/** An environment variable read from Secret Manager: `version` is 'latest' or a number, as a string. */
export interface SecretConfig {
  readonly name: string;
  readonly secret: string;
  readonly version: string;
}

/** A volume: `source` a bare name or a relative path under the data dir, `target` absolute in the container. */
export interface VolumeConfig {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface AccessoryConfig {
  readonly name: string;
  readonly image: string;
  /** Absent: no port published. */
  readonly port?: number;
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretConfig[];
  readonly volumes: readonly VolumeConfig[];
  readonly host: string;
}

/** `daily`: at `startTime` (HH:00 UTC); `hourly`: every `hours` hours from 00:00 UTC. */
export type SnapshotSchedule =
  | { readonly kind: 'daily'; readonly startTime: string }
  | { readonly kind: 'hourly'; readonly hours: number; readonly startTime: string };

export interface DataDiskConfig {
  readonly sizeGb: number;
  readonly type: BootDiskType;
  /** Host names, in name order. */
  readonly hosts: readonly string[];
  readonly snapshots: {
    /** As written, e.g. 'daily at 03:00'. */
    readonly schedule: string;
    readonly parsed: SnapshotSchedule;
    readonly retentionDays: number;
  };
}
