/** The external tools preflight checks: found on PATH, and recent enough. */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Exec } from '../exec/exec';
import { commandLine } from '../format';
import type { Requirement } from '../plan/steps';
import { Finding, missing, ok, PreflightInput, VersionProbe } from './finding';

/** A tool, keyed by its command name. */
interface ToolSpec {
  readonly versionArgs: readonly string[];
  readonly minimum: readonly [number, number];
  readonly why: string;
  readonly install: string;
}

export const TOOLS: Partial<Record<Requirement, ToolSpec>> = {
  packer: {
    versionArgs: ['version'],
    minimum: [1, 7],
    why: '`packer init` and HCL2 required_plugins need 1.7 or later',
    install:
      "install Packer 1.7 or later (HashiCorp's apt repository or release zip: https://developer.hashicorp.com/packer/install)",
  },
  terraform: {
    versionArgs: ['version'],
    minimum: [1, 5],
    why: 'CI proves the stacks on Terraform 1.5.7 (npm run test:terraform), the oldest supported',
    install: 'install Terraform 1.5 or later (https://developer.hashicorp.com/terraform/install)',
  },
  gcloud: {
    versionArgs: ['version'],
    minimum: [300, 0],
    why: 'Ansible reaches IAP-only hosts through `gcloud compute start-iap-tunnel`, and a managed fleet is waited for and read with gcloud',
    install:
      'install the gcloud CLI (https://cloud.google.com/sdk/docs/install), or set ssh.connectVia: "direct" ' +
      'and add your address to sshSourceRanges',
  },
  docker: {
    versionArgs: ['--version'],
    minimum: [23, 0],
    why: "the build step runs the docker CLI here (the engine is the first host's over SSH, or yours with --local)",
    install:
      'install the docker CLI (Debian: apt-get install docker-cli; or Docker Engine), then ' +
      '`gcloud auth configure-docker <region>-docker.pkg.dev` once for your push credentials',
  },
  'ansible-playbook': {
    versionArgs: ['--version'],
    minimum: [2, 14],
    why: 'the playbooks need ansible-core 2.14 or later',
    install:
      'install Ansible: `apt-get install ansible` (Debian 12 ships ansible-core 2.14) or `pipx install ansible`',
  },
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable file called `name` on PATH. */
export function which(name: string, pathVar: string | undefined): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** `Packer v1.6.6`, `Terraform v1.11.4`, `ansible-playbook [core 2.14.18]` → [major, minor, patch]. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** How much of a version probe's output is kept, and how long it may take. */
const PROBE_KEEP = 1024 * 1024;
const PROBE_TIMEOUT_MS = 15_000;

/**
 * `<tool> <versionArgs>` through the executor: its output, or undefined when the tool cannot run at all (it did
 * not start: ENOENT, EACCES; or it exited 126/127).
 */
export function defaultProbe(
  exec: Exec,
  env: Readonly<Record<string, string | undefined>>,
): VersionProbe {
  return async (command, args) => {
    const output = { mode: 'capture', keep: PROBE_KEEP } as const;
    const call = {
      command,
      args,
      env: { ...env, CHECKPOINT_DISABLE: '1' },
      output,
      timeoutMs: PROBE_TIMEOUT_MS,
    };
    const ran = await exec.run(call);
    const cannotRun = ran.error !== undefined || ran.code === 126 || ran.code === 127;
    return cannotRun ? undefined : `${ran.stdout}\n${ran.stderr}`;
  };
}

export async function checkTool(
  requirement: Requirement,
  spec: ToolSpec,
  input: PreflightInput,
  probe: VersionProbe,
): Promise<Finding> {
  const path = which(requirement, input.env.PATH);
  if (path === undefined)
    return missing(requirement, `${requirement}: not found on PATH`, spec.install);
  const text = await probe(path, spec.versionArgs);
  if (text === undefined) {
    const why = `\`${commandLine(path, spec.versionArgs)}\` did not start or exited 126/127: it cannot run`;
    return missing(requirement, `${requirement}: ${why}`, spec.install);
  }
  const version = parseVersion(text);
  // Found but its version is unreadable: say so, do not block on it.
  if (version === undefined) return ok(requirement, `${requirement}: ${path} (version unknown)`);
  const shown = version.join('.');
  const [[major, minor], [minMajor, minMinor]] = [version, spec.minimum];
  if (major !== minMajor ? major < minMajor : minor < minMinor)
    return missing(requirement, `${requirement} ${shown} is too old: ${spec.why}`, spec.install);
  const cliConfig = input.env.TF_CLI_CONFIG_FILE;
  if (requirement === 'terraform' && cliConfig && !existsSync(cliConfig)) {
    const note = `TF_CLI_CONFIG_FILE=${cliConfig} does not exist, so terraform warns on every call (unset it or create the file)`;
    return ok(requirement, `${requirement} ${shown} (note: ${note})`);
  }
  return ok(requirement, `${requirement} ${shown}`);
}
