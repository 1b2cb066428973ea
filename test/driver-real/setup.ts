import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectSpec } from '../../config';
import { FIXTURE_PROJECT } from '../fixtures/project';
import { environmentsTs, fixtureRepo } from '../fixtures/repo';

/** A real project id, so preflight passes; its state bucket is `${REAL_PROJECT}-tfstate`. */
export const REAL_PROJECT = 'acme-real';

/** The paths .ci/tools.sh installed (test/driver-real/run.sh exports them). */
export interface RealTools {
  readonly terraform: string;
  readonly packer: string;
  readonly packerPlugins: string;
  readonly tfMirrorConfig: string;
  readonly fakeGcs: string;
}

export function realTools(env: NodeJS.ProcessEnv): RealTools {
  const get = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: run this through test/driver-real/run.sh`);
    return value;
  };
  return {
    terraform: get('TERRAFORM_BIN'),
    packer: get('PACKER_BIN'),
    packerPlugins: get('PACKER_PLUGINS'),
    tfMirrorConfig: get('TF_MIRROR_CONFIG'),
    fakeGcs: get('FAKE_GCS_BIN'),
  };
}

/** The fixture project with every environment in REAL_PROJECT, logging in with `home`'s key. */
export function realSpec(home: string): ProjectSpec {
  const key = readFileSync(join(home, '.ssh', 'docker-hosts.pub'), 'utf8').trim();
  const environments = FIXTURE_PROJECT.environments.map((e) => ({
    ...e,
    projectId: REAL_PROJECT,
    ssh: { user: 'deploy', publicKeys: [key] },
  }));
  return { ...FIXTURE_PROJECT, environments };
}

/** A project copy (with ansible/) whose config is realSpec(home). */
export function realRepo(home: string): string {
  const repo = fixtureRepo(environmentsTs(realSpec(home)), process.cwd());
  cpSync(join(process.cwd(), 'ansible'), join(repo, 'ansible'), { recursive: true });
  return repo;
}

/**
 * A HOME with the SSH key pair preflight wants, and a bin folder first on PATH: the real terraform
 * and packer, and a `gcloud` stand-in. gcloud is the one tool preflight requires that talks to Google
 * and is not under test here (it is only used for IAP tunnels and `auth list`): it prints its version
 * and fails anything else; the HOME has gcloud's configuration with an account, as after `gcloud auth login`.
 */
export function realHome(tools: RealTools, keyFile?: string): { home: string; bin: string } {
  const home = mkdtempSync(join(tmpdir(), 'docker-hosts-real-home-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  sshKey(join(home, '.ssh', 'docker-hosts'), keyFile);
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(tools.terraform, join(bin, 'terraform'));
  symlinkSync(tools.packer, join(bin, 'packer'));
  const gcloud = join(bin, 'gcloud');
  writeFileSync(
    gcloud,
    '#!/bin/sh\n[ "$1" = version ] && { echo "Google Cloud SDK 500.0.0"; exit 0; }\n' +
      'echo "gcloud stand-in: $* (no Google here)" >&2\nexit 1\n',
  );
  chmodSync(gcloud, 0o755);
  // What `gcloud auth login` leaves: the active configuration's account (preflight's gcloud login check reads it).
  const config = join(home, '.config', 'gcloud');
  mkdirSync(join(config, 'configurations'), { recursive: true });
  writeFileSync(join(config, 'active_config'), 'default\n');
  writeFileSync(
    join(config, 'configurations', 'config_default'),
    '[core]\naccount = ops@example.com\n',
  );
  return { home, bin };
}

/** A new key pair at `key`, or a copy of `keyFile`'s (the key the test's hosts accept). */
function sshKey(key: string, keyFile: string | undefined): void {
  if (keyFile !== undefined) {
    copyFileSync(keyFile, key);
    copyFileSync(`${keyFile}.pub`, `${key}.pub`);
    chmodSync(key, 0o600);
    return;
  }
  const args = ['-q', '-t', 'ed25519', '-N', '', '-f', key, '-C', 'ops@example'];
  const gen = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`ssh-keygen failed: ${gen.stderr}`);
}

/**
 * The driver's environment with the real tools and no Google: the tools first on PATH, the provider from the
 * offline mirror, Packer's plugins, a static token, the state on fake-gcs-server (`gcsEndpoint`), and every
 * other HTTPS call sent to `proxy`, a closed loopback port. `extra` adds endpoints (the double of Google's APIs).
 */
export function offlineDriverEnv(
  tools: RealTools,
  paths: { readonly home: string; readonly bin: string; readonly repo: string },
  gcsEndpoint: string,
  proxy: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: `${paths.bin}:${join(paths.repo, 'node_modules', '.bin')}:${process.env.PATH}`,
    HOME: paths.home,
    CI: '1',
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: tools.tfMirrorConfig,
    PACKER_PLUGIN_PATH: tools.packerPlugins,
    GOOGLE_OAUTH_ACCESS_TOKEN: 'not-a-real-token',
    GOOGLE_BACKEND_STORAGE_CUSTOM_ENDPOINT: gcsEndpoint,
    HTTPS_PROXY: proxy,
    HTTP_PROXY: proxy,
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  };
}
