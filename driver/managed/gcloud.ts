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

/** `gcloud compute instance-groups managed <verb> <group> <extra> --region … --project …`. */
function groupCall(verb: string, g: Group, extra: readonly string[]): GcloudCall {
  return {
    command: 'gcloud',
    args: ['compute', 'instance-groups', 'managed', verb, g.group, ...extra, ...where(g)],
  };
}

/**
 * `wait-until --stable`: returns once every host runs the group's current template and is healthy and no action is
 * pending (the rolling update of a new release done), or fails after `timeoutSec`.
 */
export function waitStableCall(g: Group, timeoutSec: number): GcloudCall {
  const call = groupCall('wait-until', g, ['--stable']);
  return { command: call.command, args: [...call.args, `--timeout=${timeoutSec}`] };
}

/** The group's instances as JSON: each one's URL, status, current action, version (template) and health. */
export function listInstancesCall(g: Group): GcloudCall {
  const call = groupCall('list-instances', g, []);
  return { command: call.command, args: [...call.args, '--format=json'] };
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
