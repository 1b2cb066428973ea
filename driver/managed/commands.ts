/**
 * `status`, `releases` and `rollback` of a managed fleet (`fleet: 'managed'`): the group's instances as Google
 * reports them (`gcloud compute instance-groups managed list-instances`: template, health, zone, action), the images
 * their templates carry, the shared release history (shared-history.ts), and a rollback that is an `up` with the
 * recorded release before the one the group runs (its plan shown first).
 */
import { argsFor } from '../args';
import { IMAGE_BY_DIGEST, managedGroupName } from '../../stacks/managed-outputs';
import { alignColumns } from '../../lib/text-table';
import { EXIT_FAILED, EXIT_OK, EXIT_UNHEALTHY, EXIT_USAGE } from '../../lib/exit-codes';
import { EnvContext, printError } from '../context';
import { upCommand } from '../commands/up';
import { commandLine } from '../format';
import { catStorageCall, describeTemplateCall, listInstancesCall } from './gcloud';
import { gcloud } from './gcloud-run';
import {
  formatInstances,
  formatReleases,
  GroupInstance,
  InstancesError,
  parseInstances,
  releasesOf,
  serving,
} from './instances';
import { currentTemplate, ManagedRelease, releaseHistoryUrl, rollbackTarget } from './history';
import { readHistory } from './shared-history';

function groupOf(ctx: EnvContext) {
  return {
    group: managedGroupName(ctx.env.name),
    region: ctx.env.region,
    project: ctx.env.projectId,
  };
}

async function instancesOf(ctx: EnvContext): Promise<GroupInstance[] | number> {
  const out = await gcloud(ctx, listInstancesCall(groupOf(ctx)));
  if (typeof out === 'number') return out;
  try {
    return parseInstances(out);
  } catch (error) {
    if (!(error instanceof InstancesError)) throw error;
    printError(ctx, `${managedGroupName(ctx.env.name)}: ${error.message}`);
    return EXIT_FAILED;
  }
}

/** `status`: every host of the group; exit 0 when each runs, settled and healthy, 6 otherwise (or none). */
export async function managedStatus(ctx: EnvContext): Promise<number> {
  const instances = await instancesOf(ctx);
  if (typeof instances === 'number') return instances;
  const down = instances.filter((i) => !serving(i)).length;
  if (argsFor(ctx.args, 'status').json) {
    ctx.deps.stdout.write(`${JSON.stringify({ group: groupOf(ctx), instances }, null, 2)}\n`);
  } else {
    const { group, region } = groupOf(ctx);
    const verdict =
      instances.length === 0
        ? ctx.style.red('no hosts: the group has none')
        : down === 0
          ? ctx.style.green('every host serves, healthy')
          : ctx.style.red(`${down} of ${instances.length} hosts are not serving (yet)`);
    ctx.deps.stdout.write(
      `${ctx.style.bold(ctx.env.name)}: managed group ${group} in ${region}, ${instances.length} ${instances.length === 1 ? 'host' : 'hosts'}\n` +
        `${formatInstances(instances)}${verdict}\n`,
    );
  }
  return instances.length > 0 && down === 0 ? EXIT_OK : EXIT_UNHEALTHY;
}

/** The image a template's `docker-hosts-release` metadata carries, from `instance-templates describe` JSON. */
export function templateImage(json: string): string | undefined {
  try {
    const t = JSON.parse(json) as {
      properties?: { metadata?: { items?: { key?: string; value?: string }[] } };
    };
    const item = t.properties?.metadata?.items?.find((i) => i.key === 'docker-hosts-release');
    const image = (JSON.parse(item?.value ?? '{}') as { image?: unknown }).image;
    return typeof image === 'string' ? image : undefined;
  } catch {
    return undefined;
  }
}

/** The image each template the hosts run carries (`-` when its metadata has none), or an exit code. */
async function imagesOf(
  ctx: EnvContext,
  instances: readonly GroupInstance[],
): Promise<Map<string, string> | number> {
  const images = new Map<string, string>();
  for (const template of new Set(instances.map((i) => i.template))) {
    const out = await gcloud(ctx, describeTemplateCall(template, groupOf(ctx)));
    if (typeof out === 'number') return out;
    images.set(template, templateImage(out) ?? '-');
  }
  return images;
}

/** The table of the recorded releases, oldest first. */
function formatHistory(history: readonly ManagedRelease[]): string {
  const rows = history.map((r) => [
    r.time,
    r.who,
    r.commit.slice(0, 12) || '-',
    r.image,
    r.template ?? '-',
  ]);
  return alignColumns([['time', 'who', 'commit', 'image', 'template'], ...rows]).join('\n');
}

/**
 * `releases`: what the group's hosts run (template, image, serving hosts; current: the one rolled last), then the
 * shared history every operator's rollouts are recorded in.
 */
export async function managedReleases(ctx: EnvContext): Promise<number> {
  const instances = await instancesOf(ctx);
  if (typeof instances === 'number') return instances;
  const images = await imagesOf(ctx, instances);
  if (typeof images === 'number') return images;
  const history = await readHistory(ctx);
  if (typeof history === 'number') return history;
  const current = currentTemplate(images, history);
  const running = releasesOf(instances, images, current);
  const where = releaseHistoryUrl(ctx.env);
  if (argsFor(ctx.args, 'releases').json) {
    const json = { running, recorded: history, history: where };
    ctx.deps.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT_OK;
  }
  const recorded = history.length === 0 ? '(none recorded yet)' : formatHistory(history);
  ctx.deps.stdout.write(
    `${formatReleases(running, current)}\nrecorded in ${where}/ (every operator's, oldest first):\n${recorded}\n`,
  );
  return EXIT_OK;
}

/** The images the group's hosts run (one when settled), or an exit code. */
async function liveImages(ctx: EnvContext): Promise<string[] | number> {
  const instances = await instancesOf(ctx);
  if (typeof instances === 'number') return instances;
  const images = await imagesOf(ctx, instances);
  if (typeof images === 'number') return images;
  return [...new Set(images.values())];
}

/** `rollback --dry-run`: the reads that choose the release (none run), then the up's plan with it. */
function dryRunRollback(ctx: EnvContext, version: string | undefined): Promise<number> {
  const reads = [
    ...(version === undefined
      ? [
          listInstancesCall(groupOf(ctx)),
          describeTemplateCall('<each template the hosts run>', groupOf(ctx)),
        ]
      : []),
    catStorageCall(releaseHistoryUrl(ctx.env)),
  ];
  const target = version === undefined ? 'the release before the live one' : version;
  const release = IMAGE_BY_DIGEST.test(target) ? target : `<${target}>`;
  ctx.deps.stdout.write(
    `rollback of ${ctx.env.name}: first reads what the group runs and the release history, then an up with ${release}:\n` +
      `${reads.map((c) => `  ${commandLine(c.command, c.args)}\n`).join('')}`,
  );
  return upCommand({
    ...ctx,
    release,
    args: { ...ctx.args, command: 'up', skipImage: true },
  });
}

function rolledBy(r: ManagedRelease | undefined): string {
  return r === undefined ? 'not in the recorded history' : `rolled ${r.time} by ${r.who}`;
}

/**
 * `rollback [version]`: an `up` of the named release, else of the one before the release the group runs (the shared
 * history's newest older record with another image), its plan shown and approved.
 */
export async function managedRollback(ctx: EnvContext): Promise<number> {
  const { version, dryRun } = argsFor(ctx.args, 'rollback');
  if (dryRun) return dryRunRollback(ctx, version);
  const live = version === undefined ? await liveImages(ctx) : [];
  if (typeof live === 'number') return live;
  const history = await readHistory(ctx);
  if (typeof history === 'number') return history;
  const target = rollbackTarget(history, live, version);
  if (typeof target === 'string') {
    printError(ctx, `rollback of ${ctx.env.name}: ${target}`);
    return EXIT_USAGE;
  }
  const from = live.length === 1 ? ` from ${live[0]}` : '';
  ctx.deps.stdout.write(
    `rollback of ${ctx.env.name}${from} to ${target.image} (${rolledBy(target.record)}): planned as an up with that release\n`,
  );
  return upCommand({
    ...ctx,
    release: target.image,
    args: { ...ctx.args, command: 'up', skipImage: true },
  });
}
