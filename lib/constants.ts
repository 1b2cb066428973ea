/**
 * Facts more than one part of the project uses, defined once: stack names, labels, defaults and the identifier
 * patterns. Pure values, no imports: the stacks, config, the driver and the inventory all read them.
 * (The HCL variable blocks in packer/ and the Ansible role defaults restate some of them; tests keep them equal.)
 */

/** The stack that holds the Terraform state buckets: `cdktf deploy backend`. */
export const BACKEND_STACK = 'backend';

/** The stack that holds the app's Artifact Registry repositories (one per GCP project): `cdktf deploy registry`. */
export const REGISTRY_STACK = 'registry';

/**
 * The backend stack's own state file with `backendState: 'local'`, in the repository root (git-ignored): the stack's
 * synthesized config names it relative to cdktf.out/stacks/backend, the driver (which synthesizes into each run's
 * folder) passes its absolute path to `terraform init`.
 */
export const BACKEND_STATE_FILE = 'backend.tfstate';

/** The user the hosts log in as when logins are not OS Login's (config's `ssh.user` default). */
export const DEFAULT_DEPLOY_USER = 'deploy';

/** `role` label of every Docker host (and of its image: packer/docker-host-base.pkr.hcl); the hosts' network tag. */
export const HOST_ROLE = 'docker-host';

/** Labels that say what a resource is and which tool manages it. */
export function roleLabels(role: string, managedBy: 'cdktf'): Record<string, string> {
  return { role, 'managed-by': managedBy };
}

/** RFC 1035 names: GCE instances, networks, image families (lowercase letters, digits, hyphens, at most 63). */
export const RFC1035_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Linux user names as GCE's guest agent accepts them. */
export const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** Google Cloud project ids. */
export const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** Zones such as europe-west1-b. */
export const ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;

/** GCE device name of a host's data disk: the host sees it as /dev/disk/by-id/google-docker-hosts-data. */
export const DATA_DISK_DEVICE = 'docker-hosts-data';
/** Where the docker_host role mounts the data disk (without one, the same directory on the boot disk). */
export const DATA_DIR = '/mnt/disks/data';
