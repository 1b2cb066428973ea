/**
 * Where a run's local state lives, as plain paths: `.run/<env>/` holds the environment's lock, its known_hosts and
 * one folder per run, which holds what the run's `cdktf synth` wrote (`<run>/cdktf.out/`); the lock of `cdktf output`
 * (which synthesizes into the checkout's cdktf.out/) is `.run/cdktf.lock` in the checkout. No imports of the project:
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

/**
 * Where a run's `cdktf synth` writes: its own folder, so that runs of different environments (each under its own
 * lock) never share the synthesized stacks or their `.terraform/`, and never wait on each other.
 */
export function synthDir(runDir: string): string {
  return join(runDir, 'cdktf.out');
}

/** The folder of one synthesized stack in a run's synth output: Terraform's working directory for that stack. */
export function stackDir(runDir: string, stack: string): string {
  return join(synthDir(runDir), 'stacks', stack);
}

/** Terraform's provider cache shared by the runs: each run's `terraform init` links the providers from it. */
export function pluginCacheDir(runBase: string): string {
  return join(runBase, 'terraform-plugins');
}

/** The lock of `cdktf output` (it synthesizes into the checkout's cdktf.out/): beside it, whatever DOCKER_HOSTS_RUN_DIR says. */
export function cdktfLockPath(root: string): string {
  return join(root, '.run', 'cdktf.lock');
}
