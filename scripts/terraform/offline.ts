/**
 * Terraform run offline, for the Terraform tier (test/terraform/) and the Checkov plans (policies/checkov/): what
 * both share lives here, outside test/, because production and CI code never import test code (eslint.config.mjs).
 */
import { spawnSync } from 'node:child_process';

/** How every terraform call runs: the binary and its whole environment. */
export interface Tf {
  readonly bin: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface TfResult {
  readonly code: number;
  /** stdout and stderr together, as a user would see them. */
  readonly output: string;
}

/**
 * A terraform environment that can reach nothing but the emulator: the CLI config .ci/tools.sh wrote,
 * whose only provider source is a filesystem mirror holding hashicorp/google (no `direct`, so no
 * registry), a static OAuth token, and every proxied request sent to a closed port on 127.0.0.1
 * (loopback is never proxied), so a call to Google fails at once instead of leaving the machine.
 */
export function offlineTerraform(
  bin: string,
  cliConfig: string,
  work: string,
  endpoint: string,
  closedPort: number,
): Tf {
  const proxy = `http://127.0.0.1:${closedPort}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: work,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    GOOGLE_OAUTH_ACCESS_TOKEN: 'not-a-real-token',
    GOOGLE_BACKEND_STORAGE_CUSTOM_ENDPOINT: endpoint,
    HTTPS_PROXY: proxy,
    HTTP_PROXY: proxy,
  };
  return { bin, env };
}

/** Runs terraform to completion in `cwd`, with optional standard input. */
export function terraform(tf: Tf, cwd: string, args: string[], input = ''): TfResult {
  const r = spawnSync(tf.bin, [...args, '-no-color'], {
    cwd,
    env: tf.env,
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return {
    code: r.status ?? -1,
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
  };
}

/** Runs terraform and throws, with its output, unless it exits 0. */
export function terraformOk(tf: Tf, cwd: string, args: string[], input = ''): string {
  const r = terraform(tf, cwd, args, input);
  if (r.code !== 0)
    throw new Error(`terraform ${args.join(' ')} exited ${r.code} in ${cwd}:\n${tail(r.output)}`);
  return r.output;
}

/** The last lines of a long output. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
