/**
 * Preflight: every prerequisite the selected steps need, checked at once, each missing one reported with its fix.
 * The checks are cheap (file tests and `--version` calls run in parallel); nothing talks to Google Cloud.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { sshPrivateKeyCheck, sshPublicKeyCheck } from './ssh-key-checks';
import { displayPath } from '../format';
import type { Requirement } from '../plan/steps';
import { Finding, missing, ok, PreflightInput } from './finding';
import { credentialsFinding, gcloudLoginFinding, loginUserFinding, projectFinding } from './google';
import { checkTool, TOOLS, which } from './tools';

export type { Finding, PreflightInput, VersionProbe } from './finding';
export { parseVersion, which } from './tools';

/** The findings that depend on the environment's config. */
function configFinding(requirement: Requirement, { config }: PreflightInput): Finding | undefined {
  if (requirement === 'config') {
    if (config.ok)
      return (
        loginUserFinding(config.value) ??
        ok(requirement, `config: environment "${config.value.name}" is valid`)
      );
    return missing(
      requirement,
      config.error,
      'edit config/environments.ts (field reference: README.md)',
    );
  }
  if (!config.ok) return undefined; // reported once, as the config finding
  const env = config.value;
  if (requirement === 'ssh-public-key') return { requirement, ...sshPublicKeyCheck(env) };
  if (requirement === 'ssh-private-key') return { requirement, ...sshPrivateKeyCheck(env) };
  return requirement === 'gcp-project' ? projectFinding(env) : undefined;
}

function cdktfFinding({ cdktf, root, env }: PreflightInput): Finding {
  const shown = displayPath(cdktf, root);
  if (which(cdktf, env.PATH) !== undefined) return ok('cdktf', `cdktf: ${shown}`);
  const fix =
    isAbsolute(cdktf) && cdktf.includes('node_modules')
      ? 'run `npm ci` in the repository root (cdktf-cli is a devDependency)'
      : 'check DOCKER_HOSTS_CDKTF, or unset it to use node_modules/.bin/cdktf (`npm ci`)';
  return missing('cdktf', `cdktf: ${shown} not found`, fix);
}

/** Checks everything at once; the order of findings follows the requirements. */
export async function checkPrerequisites(input: PreflightInput): Promise<Finding[]> {
  const { probe } = input;
  const findings = await Promise.all(
    input.requirements.map(async (requirement): Promise<Finding | undefined> => {
      const tool = TOOLS[requirement];
      if (tool !== undefined) {
        const found = await checkTool(requirement, tool, input, probe);
        // gcloud runs the IAP tunnels as the account it is logged in with.
        if (requirement !== 'gcloud' || !found.ok) return found;
        const login = gcloudLoginFinding(input);
        return login.ok ? ok(requirement, `${found.summary}, ${login.summary}`) : login;
      }
      if (requirement === 'cdktf') return cdktfFinding(input);
      if (requirement === 'credentials') return credentialsFinding(input);
      return configFinding(requirement, input);
    }),
  );
  const files = input.files.map((file) =>
    existsSync(join(input.root, file))
      ? ok('file', `file: ${file}`)
      : missing(
          'file',
          `file: ${file} is missing from the checkout`,
          'check `git status`; restore it from git',
        ),
  );
  return [...findings.filter((f): f is Finding => f !== undefined), ...files];
}

/** Problem lines, each followed by its fix. */
export function describeProblems(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => !f.ok)
    .flatMap((f) => [`✗ ${f.summary}`, ...(f.fix ? [`    fix: ${f.fix}`] : [])]);
}

export function problemCount(findings: readonly Finding[]): string {
  const bad = findings.filter((f) => !f.ok).length;
  return `${bad} of ${findings.length} prerequisites ${bad === 1 ? 'is' : 'are'} missing`;
}
