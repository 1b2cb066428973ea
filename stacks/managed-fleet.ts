/**
 * The managed fleet of an environment (`fleet: 'managed'`): the release variable, the instance template that carries
 * it, the regional managed instance group that heals by the front door's health check and rolls each new template,
 * and its autoscaler. The front door (made first, for its health check) is told to serve the group.
 */
import { Fn, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig, ManagedConfig } from '../config';
import { FrontDoor } from '../constructs/front-door';
import { GroupAutoscaler } from '../constructs/group-autoscaler';
import type { HostShapeProps } from '../constructs/host-shape';
import { HostTemplate } from '../constructs/host-template';
import { ManagedGroup } from '../constructs/managed-group';
import {
  IMAGE_BY_DIGEST,
  ManagedFacts,
  managedGroupName,
  RELEASE_VARIABLE,
  releaseMetadata,
} from './managed-outputs';

/**
 * The release (an image by digest) enters as a Terraform variable that the driver sets at plan time from the build
 * step's release file: synth stays a pure function of the repository, and Terraform refuses a plan without one.
 */
function releaseVariable(scope: Construct): TerraformVariable {
  const variable = new TerraformVariable(scope, RELEASE_VARIABLE, {
    type: 'string',
    description:
      'The release every host of the managed group serves: the app image by digest (<repository>@sha256:<64 hex>)',
    nullable: false,
  });
  variable.addValidation({
    condition: Fn.can(Fn.regex(IMAGE_BY_DIGEST.source, variable.stringValue)),
    errorMessage: 'release_image must be an image by digest: <repository>@sha256:<64 hex digits>.',
  });
  return variable;
}

/** Builds the managed fleet into `scope` and returns what its outputs name. */
export function managedFleet(
  scope: Construct,
  config: EnvironmentConfig,
  managed: ManagedConfig,
  frontDoor: FrontDoor,
  host: HostShapeProps,
): ManagedFacts {
  const name = managedGroupName(config.name);
  const release = releaseVariable(scope);
  const template = new HostTemplate(scope, 'host-template', {
    ...host,
    project: config.projectId,
    region: config.region,
    namePrefix: `${config.name}-docker-host-`,
    release: Fn.jsonencode(releaseMetadata(config, release.stringValue)),
  }).template;
  const group = new ManagedGroup(scope, 'managed-group', {
    project: config.projectId,
    region: config.region,
    name,
    baseInstanceName: `${config.name}-docker-host`,
    zones: managed.zones,
    template: template.selfLink,
    appPort: config.app.port,
    healthCheck: frontDoor.healthCheck.id,
    initialDelaySec: managed.initialDelaySec,
    maxSurge: managed.maxSurge,
  }).group;
  new GroupAutoscaler(scope, 'autoscaler', {
    project: config.projectId,
    region: config.region,
    name,
    group: group.id,
    minHosts: managed.minHosts,
    maxHosts: managed.maxHosts,
    target: managed.target,
    initialDelaySec: managed.initialDelaySec,
  });
  frontDoor.serveGroup(group.instanceGroup);
  return { group: group.name, template: template.name, frontDoorUrl: frontDoor.url };
}
