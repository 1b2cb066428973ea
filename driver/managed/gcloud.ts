/**
 * Pure argv builders of the gcloud calls the driver makes for a managed fleet (`fleet: 'managed'`): wait until the
 * regional group is stable, list its instances, describe an instance template. Run by the one executor.
 */
import type { ManagedOutputs } from '../../stacks/managed-outputs';

/** A gcloud call: `gcloud <args>`, no shell. */
export interface GcloudCall {
  readonly command: 'gcloud';
  readonly args: readonly string[];
}

type Group = Pick<ManagedOutputs, 'group' | 'region' | 'project'>;

function where(g: Pick<Group, 'region' | 'project'>): string[] {
  return ['--region', g.region, '--project', g.project];
}

/**
 * `wait-until --stable`: returns once every host runs the group's current template and is healthy and no action is
 * pending (the rolling update of a new release done), or fails after `timeoutSec`.
 */
export function waitStableCall(g: Group, timeoutSec: number): GcloudCall {
  return {
    command: 'gcloud',
    args: [
      'compute',
      'instance-groups',
      'managed',
      'wait-until',
      g.group,
      '--stable',
      ...where(g),
      `--timeout=${timeoutSec}`,
    ],
  };
}

/** The group's instances as JSON: each one's URL, status, current action, version (template) and health. */
export function listInstancesCall(g: Group): GcloudCall {
  return {
    command: 'gcloud',
    args: [
      'compute',
      'instance-groups',
      'managed',
      'list-instances',
      g.group,
      ...where(g),
      '--format=json',
    ],
  };
}

/** A regional instance template as JSON (its metadata holds the release). */
export function describeTemplateCall(
  template: string,
  g: Pick<Group, 'region' | 'project'>,
): GcloudCall {
  return {
    command: 'gcloud',
    args: ['compute', 'instance-templates', 'describe', template, ...where(g), '--format=json'],
  };
}
