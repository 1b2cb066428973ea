/**
 * The app's data and secrets as their own rows: each data disk (its host, size, protection, snapshot schedule)
 * and each Secret Manager grant (which secret, which role, to whom). Pure.
 */
import { SynthesizedStack } from '../policies/rules';
import { Block, Section } from './document';
import { Attrs, block, reference, resource, resources, serviceAccountEmail } from './stack-json';

/** `daily at 03:00 UTC, kept 14 days` from a resource policy's snapshot_schedule_policy. */
export function snapshotPhrase(policy: Attrs | undefined): string {
  const schedule = block(block(policy?.snapshot_schedule_policy)?.schedule);
  const retention = block(block(policy?.snapshot_schedule_policy)?.retention_policy);
  const daily = block(schedule?.daily_schedule);
  const hourly = block(schedule?.hourly_schedule);
  const when =
    daily !== undefined
      ? `daily at ${String(daily.start_time)} UTC`
      : hourly !== undefined
        ? `every ${String(hourly.hours_in_cycle)} hours`
        : 'no schedule';
  return `${when}, kept ${String(retention?.max_retention_days ?? '?')} days`;
}

/** The instance a disk is attached to (its attached_disk names it) and the device name. */
function attachment(
  stack: SynthesizedStack,
  diskAddress: string,
): { instance: Attrs; device: string } | undefined {
  for (const [, instance] of resources(stack, 'google_compute_instance')) {
    const attached = Array.isArray(instance.attached_disk)
      ? (instance.attached_disk as Attrs[])
      : [];
    const found = attached.find((d) => reference(d.source)?.address === diskAddress);
    if (found !== undefined) return { instance, device: String(found.device_name) };
  }
  return undefined;
}

function attachedTo(stack: SynthesizedStack, diskAddress: string): string {
  const found = attachment(stack, diskAddress);
  return found === undefined ? 'not attached' : `${String(found.instance.name)} as ${found.device}`;
}

/** A disk is protected as its host is: the driver refuses a plan that deletes it (review/plan/summary.ts). */
function deletion(stack: SynthesizedStack, diskAddress: string): string {
  return attachment(stack, diskAddress)?.instance.deletion_protection === true
    ? "protected (its host's deletion protection)"
    : 'NOT PROTECTED: deleted with the environment';
}

/** The snapshot policy attached to a disk, through its policy attachment. */
function policyOf(stack: SynthesizedStack, diskAddress: string): Attrs | undefined {
  const attachment = resources(stack, 'google_compute_disk_resource_policy_attachment').find(
    ([, a]) => reference(a.disk)?.address === diskAddress,
  );
  const ref = reference(attachment?.[1].name);
  return ref === undefined ? undefined : resource(stack, ref.address);
}

function snapshots(stack: SynthesizedStack, diskAddress: string): string {
  const policy = policyOf(stack, diskAddress);
  return policy === undefined ? 'no snapshots' : snapshotPhrase(policy);
}

export function diskRows(stack: SynthesizedStack): string[][] {
  return resources(stack, 'google_compute_disk').map(([address, a]) => [
    stack.name,
    String(a.name),
    attachedTo(stack, address),
    `${String(a.size)} GB ${String(a.type ?? '')}`.trim(),
    deletion(stack, address),
    snapshots(stack, address),
  ]);
}

export function secretRows(stack: SynthesizedStack): string[][] {
  return resources(stack, 'google_secret_manager_secret_iam_member').map(([, a]) => [
    stack.name,
    `${String(a.secret_id)} (project ${String(a.project)})`,
    String(a.role),
    serviceAccountEmail(stack, a.member),
  ]);
}

/** The data disks and secret grants of the stacks; none when they have neither. */
export function dataSection(stacks: readonly SynthesizedStack[]): Section[] {
  const disks = stacks.flatMap(diskRows);
  const secrets = stacks.flatMap(secretRows);
  if (disks.length === 0 && secrets.length === 0) return [];
  const blocks: Block[] = [];
  if (disks.length > 0) {
    const head = ['stack', 'data disk', 'attached to', 'size', 'deletion', 'snapshots'];
    blocks.push({ kind: 'table', head, rows: disks });
  }
  if (secrets.length > 0)
    blocks.push({ kind: 'table', head: ['stack', 'secret', 'role', 'granted to'], rows: secrets });
  const summary =
    `${disks.length} data ${disks.length === 1 ? 'disk' : 'disks'}, ` +
    `${secrets.length} secret ${secrets.length === 1 ? 'grant' : 'grants'}`;
  return [{ title: 'Data and secrets', summary, blocks }];
}
