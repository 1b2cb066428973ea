/**
 * `lock status <env>`: who holds the environment's lock (and the project-wide cdktf lock), since when.
 * `lock acquire <env> -m "reason"`: takes the environment's lock by hand (a maintenance window, an incident): every
 * run of <env> is refused, naming the reason, until `lock release <env>` (no --force needed for such a lock).
 * `lock release <env>`: removes the environment's lock, and the cdktf lock when a run of <env> holds it: for a run
 * that died without releasing them. A holder alive on this machine is never released (stop that run); one that
 * cannot be checked from here (another machine sharing the folder, a lock that cannot be read) only with --force.
 * Lock details come from a file: printed with control characters escaped.
 */
import { argsFor } from '../args';
import { displayPath, printable } from '../format';
import { EnvContext, lockRequest, printError } from '../context';
import { EXIT_LOCKED, EXIT_OK, EXIT_USAGE } from '../../lib/exit-codes';
import { releaseLine } from '../state';
import { INVOCATION } from '../usage';
import {
  acquireLock,
  heldOnThisMachine,
  holderEnvironment,
  holderAlive,
  LockInfo,
  processAlive,
  readLock,
  releaseLock,
} from '../lock';
import { cdktfLockPath, envLockPath } from '../paths';

function describe(info: LockInfo): string {
  if (info.message !== undefined) {
    const by = info.holder ? ` by ${printable(info.holder)}` : '';
    return `held by hand (${printable(info.command)}): "${printable(info.message)}", since ${printable(info.startedAt)}${by}`;
  }
  const state =
    info.pid > 0 && heldOnThisMachine(info) && !processAlive(info.pid)
      ? ' (that process is gone)'
      : '';
  const by = info.holder ? ` by ${printable(info.holder)}` : '';
  return `pid ${info.pid}${state}, ${printable(info.command)}, started ${printable(info.startedAt)}${by}`;
}

/** Why a lock must stay, or undefined when it may be released. */
function keepReason(ctx: EnvContext, info: LockInfo): string | undefined {
  if (argsFor(ctx.args, 'lock').force || info.message !== undefined) return undefined;
  if (holderAlive(info)) {
    return (
      `process ${info.pid} is alive on this machine: stop that run (Ctrl-C) or let it finish; nothing released ` +
      `(if pid ${info.pid} is not that run any more, --force releases the lock)`
    );
  }
  if (info.pid > 0 && heldOnThisMachine(info)) return undefined;
  return (
    'whether its run still goes cannot be checked from here: if it is over, add --force ' +
    '(if it still runs, a second run would change the environment beside it); nothing released'
  );
}

/** What `--force` risked, said with the release. */
function forced(info: LockInfo): string {
  return holderAlive(info) || !heldOnThisMachine(info) || info.pid <= 0
    ? ' with --force: if its run still goes, it now runs without its lock'
    : '';
}

/** `lock release`: both locks checked first, so a refusal releases neither. */
function release(
  ctx: EnvContext,
  locks: readonly (readonly [string, LockInfo | undefined])[],
): number {
  const { deps, env } = ctx;
  const ours = locks.filter(
    ([, info], i) => info !== undefined && (i === 0 || holderEnvironment(info) === env.name),
  );
  for (const [path, info] of ours) {
    const why = keepReason(ctx, info!);
    const shown = displayPath(path, deps.root);
    if (why !== undefined) {
      printError(ctx, `${shown} is held by ${describe(info!)}: ${why}`);
      return EXIT_LOCKED;
    }
  }
  if (locks[0][1] === undefined)
    deps.stdout.write(`${displayPath(locks[0][0], deps.root)}: not locked\n`);
  for (const [path, info] of ours) {
    releaseLock(path);
    deps.stdout.write(
      `${displayPath(path, deps.root)}: released${forced(info!)} (it was held by ${describe(info!)})\n`,
    );
  }
  return EXIT_OK;
}

/** `lock acquire <env> -m "reason"`: the environment's lock, held by hand until `lock release <env>`. */
function acquire(ctx: EnvContext): number {
  const { deps, env } = ctx;
  const args = argsFor(ctx.args, 'lock');
  if (args.message === undefined) {
    printError(ctx, `lock acquire needs a reason: ${INVOCATION} lock acquire ${env.name} -m "why"`);
    return EXIT_USAGE;
  }
  const request = lockRequest(ctx);
  const lock = acquireLock(envLockPath(ctx.runBase, env.name), `lock acquire ${env.name}`, {
    now: request.now,
    environment: env.name,
    message: args.message,
    release: releaseLine,
  });
  deps.stdout.write(
    `${displayPath(lock.path, deps.root)}: locked by hand ("${args.message}"): every run of ${env.name} is refused until ${releaseLine(env.name)}\n`,
  );
  return EXIT_OK;
}

export async function lockCommand(ctx: EnvContext): Promise<number> {
  const { deps, env } = ctx;
  const args = argsFor(ctx.args, 'lock');
  if (args.message !== undefined && args.lockAction !== 'acquire') {
    printError(ctx, '--message (-m) is for lock acquire');
    return EXIT_USAGE;
  }
  if (args.lockAction === 'acquire') return acquire(ctx);
  const paths = [envLockPath(ctx.runBase, env.name), cdktfLockPath(deps.root)];
  const locks = paths.map((path) => [path, readLock(path)] as const);
  if (args.lockAction === 'release') return release(ctx, locks);
  for (const [path, info] of locks) {
    const state = info === undefined ? 'not locked' : `locked: ${describe(info)}`;
    deps.stdout.write(`${displayPath(path, deps.root)}: ${state}\n`);
  }
  return EXIT_OK;
}
