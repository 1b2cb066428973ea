/**
 * The outputs contract of a managed environment stack (`fleet: 'managed'`), both directions: what the stack outputs
 * and the strict parser the driver reads them with. No host list: Google names and counts the group's hosts, and
 * the driver reads them from the group (`gcloud compute instance-groups managed list-instances`). Also the release
 * the template's metadata carries (the boot unit's contract, `docker-hosts-release`). No cdktf import: the driver
 * loads this file.
 */
import type { EnvironmentConfig } from '../config';
import type { OutputDefinition } from './outputs';

/** The Terraform variable the driver sets at plan time (`-var release_image=<repo>@sha256:<digest>`). */
export const RELEASE_VARIABLE = 'release_image';

/** An image by digest, the only form a release takes. */
export const IMAGE_BY_DIGEST = /^[a-z0-9][a-z0-9._/:-]*@sha256:[0-9a-f]{64}$/;

/** The regional managed instance group of an environment, e.g. `prod-docker-hosts`. */
export function managedGroupName(environment: string): string {
  return `${environment}-docker-hosts`;
}

/** The value of the `docker-hosts-release` metadata key (the contract with the docker_host role's boot unit). */
export interface ReleaseMetadata {
  readonly name: string;
  readonly image: string;
  /** What the host's nginx proxy listens on: the load balancer's named port. */
  readonly port: number;
  /** What the app listens on inside its container. */
  readonly containerPort: number;
  readonly healthPath: string;
}

/** The release the template's metadata carries; `image` may be a Terraform reference (the release variable). */
export function releaseMetadata(config: EnvironmentConfig, image: string): ReleaseMetadata {
  return {
    name: config.app.containerName,
    image,
    port: config.app.port,
    containerPort: config.app.port,
    healthPath: config.app.healthCheckPath,
  };
}

/** What the stack knows of its managed fleet: strings, which may be Terraform references. */
export interface ManagedFacts {
  readonly group: string;
  readonly template: string;
  readonly frontDoorUrl: string;
}

/** The outputs of a managed environment stack. */
export interface ManagedOutputs {
  readonly fleet: 'managed';
  readonly environment: string;
  readonly project: string;
  readonly region: string;
  /** The regional managed instance group's name. */
  readonly group: string;
  /** The instance template the group rolls to (its name changes with every release). */
  readonly template: string;
  /** The front door's URL (no trailing slash). */
  readonly app_url: string;
  readonly app_port: number;
  readonly app_health_path: string;
}

/** Every output of a managed environment stack, by output id. */
export function managedOutputs(
  config: EnvironmentConfig,
  facts: ManagedFacts,
): Record<string, OutputDefinition> {
  return {
    fleet: {
      description: 'The kind of fleet: a regional managed instance group',
      value: 'managed',
    },
    environment: { value: config.name },
    project: { value: config.projectId },
    region: { value: config.region },
    group: { description: 'The regional managed instance group', value: facts.group },
    template: {
      description: 'The instance template of the current release',
      value: facts.template,
    },
    app_url: {
      description: `The app, through the load balancer${config.domain === undefined ? ', HTTP only (no domain)' : ''}`,
      value: facts.frontDoorUrl,
    },
    app_port: { value: config.app.port },
    app_health_path: {
      description: 'The path the app answers health checks on',
      value: config.app.healthCheckPath,
    },
  };
}
