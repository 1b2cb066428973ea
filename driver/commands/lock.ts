/**
 * `lock status <env>`: who holds the environment's lock (and the project-wide cdktf lock), since when.
 * `lock release <env>`: removes the environment's lock, and the cdktf lock when a run of <env> holds it: for a run
 * that died without releasing them on another machine sharing the folder, or a lock that cannot be read.
 */
import { displayPath } from '../format';
import type { EnvContext } from '../context';
import { EXIT_OK } from '../exit-codes';
import { LockInfo, processAlive, readLock, releaseLock } from '../lock';
import { cdktfLockPath, envLockPath } from '../state';

function describe(info: LockInfo): string {
  const state = info.pid > 0 && !processAlive(info.pid) ? ' (that process is gone)' : '';
  return `pid ${info.pid}${state}, ${info.command}, started ${info.startedAt}${info.holder ? ` by ${info.holder}` : ''}`;
}

export async function lockCommand(ctx: EnvContext): Promise<number> {
  const { deps, env } = ctx;
  const [envLock, cdktfLock] = [envLockPath(ctx.runBase, env.name), cdktfLockPath(deps.root)];
  for (const path of [envLock, cdktfLock]) {
    const info = readLock(path);
    const shown = displayPath(path, deps.root);
    if (ctx.args.lockAction === 'status') {
      deps.stdout.write(`${shown}: ${info === undefined ? 'not locked' : `locked: ${describe(info)}`}\n`);
    } else if (info !== undefined && (path === envLock || info.command.endsWith(` ${env.name}`))) {
      releaseLock(path);
      deps.stdout.write(`${shown}: released (it was held by ${describe(info)})\n`);
    } else if (path === envLock) {
      deps.stdout.write(`${shown}: not locked\n`);
    }
  }
  return EXIT_OK;
}
