/**
 * Where a run's local state lives, as plain paths: `.run/<env>/` holds the environment's lock, its known_hosts and
 * one folder per run; the project-wide cdktf lock is `.run/cdktf.lock` in the checkout. No imports of the project:
 * the plan builder and the state file both read these.
 */
import { join } from 'node:path';

export function envDir(runBase: string, environment: string): string {
  return join(runBase, environment);
}

/** The environment's SSH host keys, kept across runs beside its run folders (`.run/<env>/known_hosts`). */
export function knownHostsFile(environmentDir: string): string {
  return join(environmentDir, 'known_hosts');
}

/** The lock of one environment's runs: `.run/<env>/lock/`. */
export function envLockPath(runBase: string, environment: string): string {
  return join(envDir(runBase, environment), 'lock');
}

/** The project-wide lock for cdktf steps: next to what it guards, whatever DOCKER_HOSTS_RUN_DIR says. */
export function cdktfLockPath(root: string): string {
  return join(root, '.run', 'cdktf.lock');
}
