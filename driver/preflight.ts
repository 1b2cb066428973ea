/**
 * Preflight: every prerequisite the selected steps need, checked at once, each missing one reported with its fix.
 * The checks are cheap (file tests and `--version` calls run in parallel); nothing talks to Google Cloud.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { EnvironmentConfig } from '../config';
import type { Requirement } from './plan/steps';

export interface Finding {
  readonly requirement: Requirement | 'file';
  readonly ok: boolean;
  /** `packer 1.11.2`, `not found on PATH`, … */
  readonly summary: string;
  /** How to fix it, when not ok. */
  readonly fix?: string;
}

/** Runs `command args` and returns its stdout+stderr, or undefined when it cannot run. Injectable for tests. */
export type VersionProbe = (command: string, args: readonly string[]) => Promise<string | undefined>;

export interface PreflightInput {
  readonly requirements: readonly Requirement[];
  /** Repository files, relative to root. */
  readonly files: readonly string[];
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** The cdktf executable the plan uses (a path, or a name looked up on PATH). */
  readonly cdktf: string;
  /** The environment's config, or the reason it did not load. */
  readonly config:
    { readonly ok: true; readonly value: EnvironmentConfig } | { readonly ok: false; readonly error: string };
  readonly probe?: VersionProbe;
}

interface ToolSpec {
  readonly command: string;
  readonly versionArgs: readonly string[];
  readonly minimum: readonly [number, number];
  readonly why: string;
  readonly install: string;
}

const TOOLS: Partial<Record<Requirement, ToolSpec>> = {
  packer: {
    command: 'packer',
    versionArgs: ['version'],
    minimum: [1, 7],
    why: '`packer init` and HCL2 required_plugins need 1.7 or later',
    install:
      "install Packer 1.7 or later (HashiCorp's apt repository or release zip: https://developer.hashicorp.com/packer/install)",
  },
  terraform: {
    command: 'terraform',
    versionArgs: ['version'],
    minimum: [1, 2],
    why: 'cdktf 0.21 needs Terraform 1.2 or later',
    install: 'install Terraform 1.2 or later (https://developer.hashicorp.com/terraform/install)',
  },
  gcloud: {
    command: 'gcloud',
    versionArgs: ['version'],
    minimum: [300, 0],
    why: 'Ansible reaches IAP-only hosts through `gcloud compute start-iap-tunnel`',
    install:
      'install the gcloud CLI (https://cloud.google.com/sdk/docs/install), or set ssh.connectVia: "direct" ' +
      'and add your address to sshSourceRanges',
  },
  'ansible-playbook': {
    command: 'ansible-playbook',
    versionArgs: ['--version'],
    minimum: [2, 14],
    why: 'the playbooks need ansible-core 2.14 or later',
    install: 'install Ansible: `apt-get install ansible` (Debian 12 ships ansible-core 2.14) or `pipx install ansible`',
  },
};

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

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile() || statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `Packer v1.6.6`, `Terraform v1.11.4`, `ansible-playbook [core 2.14.18]` → [major, minor, patch]. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function atLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i];
  }
  return true;
}

export function defaultProbe(env: Readonly<Record<string, string | undefined>>): VersionProbe {
  return (command, args) =>
    new Promise((resolve) => {
      execFile(
        command,
        [...args],
        { env: { ...env, CHECKPOINT_DISABLE: '1' }, timeout: 15_000, maxBuffer: 1024 * 1024 },
        (error, stdout, stderr) => resolve(error && !stdout ? undefined : `${stdout}\n${stderr}`),
      );
    });
}

async function checkTool(
  requirement: Requirement,
  spec: ToolSpec,
  input: PreflightInput,
  probe: VersionProbe,
): Promise<Finding> {
  const path = which(spec.command, input.env.PATH);
  if (path === undefined)
    return { requirement, ok: false, summary: `${spec.command}: not found on PATH`, fix: spec.install };
  const text = await probe(path, spec.versionArgs);
  const version = text === undefined ? undefined : parseVersion(text);
  if (version === undefined) {
    // Found but its version is unreadable: say so, do not block on it.
    return { requirement, ok: true, summary: `${spec.command}: ${path} (version unknown)` };
  }
  const shown = version.join('.');
  if (!atLeast(version, spec.minimum)) {
    return { requirement, ok: false, summary: `${spec.command} ${shown} is too old: ${spec.why}`, fix: spec.install };
  }
  const cliConfig = input.env.TF_CLI_CONFIG_FILE;
  if (requirement === 'terraform' && cliConfig && !fileExists(cliConfig)) {
    const note = `TF_CLI_CONFIG_FILE=${cliConfig} does not exist, so terraform warns on every call (unset it or create the file)`;
    return { requirement, ok: true, summary: `${spec.command} ${shown} (note: ${note})` };
  }
  return { requirement, ok: true, summary: `${spec.command} ${shown}` };
}

function credentialsFinding(input: PreflightInput): Finding {
  const { env } = input;
  const explicit = env.GOOGLE_APPLICATION_CREDENTIALS;
  const login = 'run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a key file)';
  if (explicit !== undefined && explicit !== '') {
    return fileExists(explicit)
      ? { requirement: 'credentials', ok: true, summary: `credentials: GOOGLE_APPLICATION_CREDENTIALS=${explicit}` }
      : {
          requirement: 'credentials',
          ok: false,
          summary: `credentials: GOOGLE_APPLICATION_CREDENTIALS points at ${explicit}, which does not exist`,
          fix: `fix the path, or unset it and ${login}`,
        };
  }
  for (const name of ['GOOGLE_CREDENTIALS', 'GOOGLE_OAUTH_ACCESS_TOKEN']) {
    if (env[name]) return { requirement: 'credentials', ok: true, summary: `credentials: ${name} is set` };
  }
  const gcloudDir = env.CLOUDSDK_CONFIG || join(input.home, '.config', 'gcloud');
  const adc = join(gcloudDir, 'application_default_credentials.json');
  return fileExists(adc)
    ? { requirement: 'credentials', ok: true, summary: `credentials: ${adc}` }
    : {
        requirement: 'credentials',
        ok: false,
        summary: `credentials: no Application Default Credentials (${adc})`,
        fix: login,
      };
}

function configFindings(requirement: Requirement, input: PreflightInput): Finding | undefined {
  const { config } = input;
  if (requirement === 'config') {
    return config.ok
      ? { requirement, ok: true, summary: `config: environment "${config.value.name}" is valid` }
      : {
          requirement,
          ok: false,
          summary: config.error,
          fix: 'edit config/environments.ts (field reference: README.md)',
        };
  }
  if (!config.ok) return undefined; // reported once, as the config finding
  const env = config.value;
  switch (requirement) {
    case 'gcp-project':
      return env.projectIdIsPlaceholder
        ? {
            requirement,
            ok: false,
            summary: `GCP project: none set for "${env.name}" (only the synth placeholder "${env.projectId}")`,
            fix: `export GOOGLE_PROJECT=<your-project-id>, or set projectId for "${env.name}" in config/environments.ts`,
          }
        : { requirement, ok: true, summary: `GCP project: ${env.projectId}` };
    case 'ssh-public-key':
      if (env.ssh.osLogin) {
        // OS Login accepts the key only once it is on the user's OS Login profile: preflight cannot see
        // the profile, so it checks the file and says how to register it.
        const register = `gcloud compute os-login ssh-keys add --key-file ${env.ssh.publicKeyFile}`;
        return fileExists(env.ssh.publicKeyFile)
          ? {
              requirement,
              ok: true,
              summary: `SSH public key: ${env.ssh.publicKeyFile} (OS Login: register it once with \`${register}\`)`,
            }
          : {
              requirement,
              ok: false,
              summary: `SSH public key: none at ${env.ssh.publicKeyFile}; with OS Login it must be on your OS Login profile`,
              fix: `ssh-keygen -t ed25519 -f ${env.ssh.privateKeyFile} && ${register}`,
            };
      }
      return env.ssh.publicKey !== undefined
        ? {
            requirement,
            ok: true,
            summary: `SSH public key: ${env.ssh.publicKey.split(' ').slice(0, 1)} … (${env.ssh.publicKeyFile})`,
          }
        : {
            requirement,
            ok: false,
            summary: `SSH public key: none at ${env.ssh.publicKeyFile} and DOCKER_HOSTS_SSH_PUBLIC_KEY is not set: the hosts would have no login key`,
            fix: `ssh-keygen -t ed25519 -f ${env.ssh.privateKeyFile} -C ${env.ssh.user}`,
          };
    case 'ssh-private-key':
      return fileExists(env.ssh.privateKeyFile)
        ? { requirement, ok: true, summary: `SSH private key: ${env.ssh.privateKeyFile}` }
        : {
            requirement,
            ok: false,
            summary: `SSH private key: ${env.ssh.privateKeyFile} does not exist (Ansible logs in with it)`,
            fix: `ssh-keygen -t ed25519 -f ${env.ssh.privateKeyFile} -C ${env.ssh.user}, or set ssh.privateKeyFile in config/environments.ts`,
          };
    default:
      return undefined;
  }
}

function cdktfFinding(input: PreflightInput): Finding {
  const found = which(input.cdktf, input.env.PATH);
  const shown = input.cdktf.startsWith(`${input.root}/`) ? input.cdktf.slice(input.root.length + 1) : input.cdktf;
  if (found !== undefined) return { requirement: 'cdktf', ok: true, summary: `cdktf: ${shown}` };
  return {
    requirement: 'cdktf',
    ok: false,
    summary: `cdktf: ${shown} not found`,
    fix:
      isAbsolute(input.cdktf) && input.cdktf.includes('node_modules')
        ? 'run `npm ci` in the repository root (cdktf-cli is a devDependency)'
        : 'check DOCKER_HOSTS_CDKTF, or unset it to use node_modules/.bin/cdktf (`npm ci`)',
  };
}

/** Checks everything at once; the order of findings follows the requirements. */
export async function checkPrerequisites(input: PreflightInput): Promise<Finding[]> {
  const probe = input.probe ?? defaultProbe(input.env);
  const findings = await Promise.all(
    input.requirements.map(async (requirement): Promise<Finding | undefined> => {
      const tool = TOOLS[requirement];
      if (tool !== undefined) return checkTool(requirement, tool, input, probe);
      if (requirement === 'cdktf') return cdktfFinding(input);
      if (requirement === 'credentials') return credentialsFinding(input);
      return configFindings(requirement, input);
    }),
  );
  const files: Finding[] = input.files.map((file) =>
    fileExists(join(input.root, file))
      ? { requirement: 'file', ok: true, summary: `file: ${file}` }
      : {
          requirement: 'file',
          ok: false,
          summary: `file: ${file} is missing from the checkout`,
          fix: 'check `git status`; restore it from git',
        },
  );
  return [...findings.filter((f): f is Finding => f !== undefined), ...files];
}

/** Problem lines, each followed by its fix. */
export function describeProblems(findings: readonly Finding[]): string[] {
  return findings.filter((f) => !f.ok).flatMap((f) => [`✗ ${f.summary}`, ...(f.fix ? [`    fix: ${f.fix}`] : [])]);
}

export function problemCount(findings: readonly Finding[]): string {
  const bad = findings.filter((f) => !f.ok).length;
  return `${bad} of ${findings.length} prerequisites ${bad === 1 ? 'is' : 'are'} missing`;
}
