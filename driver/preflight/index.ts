/**
 * Preflight: every prerequisite the selected steps need, checked at once, each missing one reported with its fix.
 * The checks are cheap (file tests and `--version` calls run in parallel); nothing talks to Google Cloud.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { sshPrivateKeyCheck, sshPublicKeyCheck } from '../../lib/ssh-key-checks';
import { displayPath } from '../format';
import type { Requirement } from '../plan/steps';
import { Finding, missing, ok, PreflightInput } from './finding';
import { checkTool, defaultProbe, TOOLS, which } from './tools';

export type { Finding, PreflightInput, VersionProbe } from './finding';
export { parseVersion, which } from './tools';

function credentialsFinding(input: PreflightInput): Finding {
  const { env } = input;
  const explicit = env.GOOGLE_APPLICATION_CREDENTIALS;
  const login = 'run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a key file)';
  if (explicit !== undefined && explicit !== '') {
    return existsSync(explicit)
      ? ok('credentials', `credentials: GOOGLE_APPLICATION_CREDENTIALS=${explicit}`)
      : missing(
          'credentials',
          `credentials: GOOGLE_APPLICATION_CREDENTIALS points at ${explicit}, which does not exist`,
          `fix the path, or unset it and ${login}`,
        );
  }
  for (const name of ['GOOGLE_CREDENTIALS', 'GOOGLE_OAUTH_ACCESS_TOKEN']) {
    if (env[name]) return ok('credentials', `credentials: ${name} is set`);
  }
  const adc = join(
    env.CLOUDSDK_CONFIG || join(input.home, '.config', 'gcloud'),
    'application_default_credentials.json',
  );
  return existsSync(adc)
    ? ok('credentials', `credentials: ${adc}`)
    : missing('credentials', `credentials: no Application Default Credentials (${adc})`, login);
}

/** The findings that depend on the environment's config. */
function configFinding(requirement: Requirement, input: PreflightInput): Finding | undefined {
  const { config } = input;
  if (requirement === 'config') {
    return config.ok
      ? ok(requirement, `config: environment "${config.value.name}" is valid`)
      : missing(requirement, config.error, 'edit config/environments.ts (field reference: README.md)');
  }
  if (!config.ok) return undefined; // reported once, as the config finding
  const env = config.value;
  if (requirement === 'gcp-project') {
    return env.projectIdIsPlaceholder
      ? missing(
          requirement,
          `GCP project: none set for "${env.name}" (only the synth placeholder "${env.projectId}")`,
          `set projectId for "${env.name}" in config/environments.ts (committed: synth reads no environment variable)`,
        )
      : ok(requirement, `GCP project: ${env.projectId}`);
  }
  if (requirement === 'ssh-public-key') return { requirement, ...sshPublicKeyCheck(env) };
  if (requirement === 'ssh-private-key') return { requirement, ...sshPrivateKeyCheck(env) };
  return undefined;
}

function cdktfFinding(input: PreflightInput): Finding {
  const shown = displayPath(input.cdktf, input.root);
  if (which(input.cdktf, input.env.PATH) !== undefined) return ok('cdktf', `cdktf: ${shown}`);
  return missing(
    'cdktf',
    `cdktf: ${shown} not found`,
    isAbsolute(input.cdktf) && input.cdktf.includes('node_modules')
      ? 'run `npm ci` in the repository root (cdktf-cli is a devDependency)'
      : 'check DOCKER_HOSTS_CDKTF, or unset it to use node_modules/.bin/cdktf (`npm ci`)',
  );
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
      return configFinding(requirement, input);
    }),
  );
  const files = input.files.map((file) =>
    existsSync(join(input.root, file))
      ? ok('file', `file: ${file}`)
      : missing('file', `file: ${file} is missing from the checkout`, 'check `git status`; restore it from git'),
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
