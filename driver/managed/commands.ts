/**
 * `status`, `releases` and `rollback` of a managed fleet (`fleet: 'managed'`): the group's instances as Google
 * reports them (`gcloud compute instance-groups managed list-instances`: template, health, zone, action), the images
 * their templates carry, and a rollback that is an `up` with the previous recorded release (its plan shown first).
 */
import { argsFor } from '../args';
import { managedGroupName } from '../../stacks/managed-outputs';
import { alignColumns } from '../../lib/text-table';
import { EXIT_FAILED, EXIT_OK, EXIT_UNHEALTHY, EXIT_USAGE } from '../../lib/exit-codes';
import { EnvContext, printError } from '../context';
import { cleanTail } from '../runner/log';
import { upCommand } from '../commands/up';
import { describeTemplateCall, GcloudCall, listInstancesCall } from './gcloud';
import {
  formatInstances,
  formatReleases,
  GroupInstance,
  InstancesError,
  parseInstances,
  releasesOf,
  serving,
} from './instances';
import { readReleaseLog, rollbackTarget } from './releases';

function groupOf(ctx: EnvContext) {
  return {
    group: managedGroupName(ctx.env.name),
    region: ctx.env.region,
    project: ctx.env.projectId,
  };
}

/** Runs a gcloud call, its stdout; a failure is printed as one line and the tail, and is the exit code. */
async function gcloud(ctx: EnvContext, call: GcloudCall): Promise<string | number> {
  const ran = await ctx.exec.run({ ...call, output: { mode: 'capture' } });
  if (ran.interrupted !== undefined) return ran.code;
  if (ran.code === 0 && ran.error === undefined) return ran.stdout;
  const why = ran.error?.message ?? `exit ${ran.code}`;
  const tail = cleanTail(ran.stderr || ran.stdout, 8).map((l) => `\n  | ${l}`);
  printError(
    ctx,
    `${call.command} ${call.args.slice(0, 4).join(' ')} failed (${why})${tail.join('')}`,
  );
  return EXIT_FAILED;
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

/** `releases`: what the group's hosts run (template, image, serving hosts), then the releases this machine rolled. */
export async function managedReleases(ctx: EnvContext): Promise<number> {
  const instances = await instancesOf(ctx);
  if (typeof instances === 'number') return instances;
  const images = new Map<string, string>();
  for (const template of new Set(instances.map((i) => i.template))) {
    const out = await gcloud(ctx, describeTemplateCall(template, groupOf(ctx)));
    if (typeof out === 'number') return out;
    images.set(template, templateImage(out) ?? '-');
  }
  const log = readReleaseLog(ctx.runBase, ctx.env.name);
  const currentImage = log.at(-1)?.image;
  const current = [...images].find(([, image]) => image === currentImage)?.[0] ?? '';
  const running = releasesOf(instances, images, current);
  if (argsFor(ctx.args, 'releases').json) {
    ctx.deps.stdout.write(`${JSON.stringify({ running, recorded: log }, null, 2)}\n`);
    return EXIT_OK;
  }
  const recorded = alignColumns([
    ['time', 'who', 'commit', 'image'],
    ...log.map((r) => [r.time, r.who, r.commit.slice(0, 12), r.image]),
  ]);
  ctx.deps.stdout.write(
    `${formatReleases(running, current)}\nrolled from this machine (oldest first):\n${recorded.join('\n')}\n`,
  );
  return EXIT_OK;
}

/** `rollback [version]`: an `up` of the previous recorded release (or the named one), its plan shown and approved. */
export async function managedRollback(ctx: EnvContext): Promise<number> {
  const target = rollbackTarget(
    readReleaseLog(ctx.runBase, ctx.env.name),
    argsFor(ctx.args, 'rollback').version,
  );
  if (typeof target === 'string') {
    printError(ctx, `rollback of ${ctx.env.name}: ${target}`);
    return EXIT_USAGE;
  }
  ctx.deps.stdout.write(
    `rollback of ${ctx.env.name} to ${target.image} (rolled ${target.time} by ${target.who}): planned as an up with that release\n`,
  );
  return upCommand({
    ...ctx,
    release: target.image,
    args: { ...ctx.args, command: 'up', skipImage: true },
  });
}
