/**
 * Pure argv builders of the gcloud calls the driver makes for a managed fleet (`fleet: 'managed'`): wait until the
 * regional group is stable, list its instances, describe an instance template, write and read the release records
 * in the state bucket. Run by the one executor.
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

/**
 * `gcloud storage cp <file> <object URL> --if-generation-match=0`: one new object (a release record); the
 * precondition refuses to overwrite an object of that name, so a record is never replaced.
 */
export function copyToStorageCall(file: string, url: string): GcloudCall {
  return { command: 'gcloud', args: ['storage', 'cp', file, url, '--if-generation-match=0'] };
}

/** `gcloud storage cat <folder URL>/*.json`: every record under the folder, concatenated in name order. */
export function catStorageCall(folder: string): GcloudCall {
  return { command: 'gcloud', args: ['storage', 'cat', `${folder}/*.json`] };
}
