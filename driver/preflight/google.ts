/**
 * What talking to Google Cloud needs, checked from files alone (no tool started, nothing sent): the logins
 * (Application Default Credentials for Terraform and Packer, a gcloud account for IAP tunnels) and a config that
 * names a real project and OS Login user rather than the shipped placeholders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentConfig, PLACEHOLDER_OS_LOGIN_USER } from '../../config';
import { Finding, missing, ok, PreflightInput } from './finding';

type Where = Pick<PreflightInput, 'env' | 'home'>;

const ADC_LOGIN =
  'run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a key file)';

/** Terraform's and Packer's credentials: GOOGLE_APPLICATION_CREDENTIALS, a token variable, or gcloud's ADC file. */
export function credentialsFinding({ env, home }: Where): Finding {
  const explicit = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (explicit) {
    if (existsSync(explicit))
      return ok('credentials', `credentials: GOOGLE_APPLICATION_CREDENTIALS=${explicit}`);
    const summary = `credentials: GOOGLE_APPLICATION_CREDENTIALS points at ${explicit}, which does not exist`;
    return missing('credentials', summary, `fix the path, or unset it and ${ADC_LOGIN}`);
  }
  const named = ['GOOGLE_CREDENTIALS', 'GOOGLE_OAUTH_ACCESS_TOKEN'].find((name) => env[name]);
  if (named !== undefined) return ok('credentials', `credentials: ${named} is set`);
  const adc = join(gcloudConfigDir({ env, home }), 'application_default_credentials.json');
  if (existsSync(adc)) return ok('credentials', `credentials: ${adc}`);
  return missing(
    'credentials',
    `credentials: no Application Default Credentials (${adc})`,
    ADC_LOGIN,
  );
}

function gcloudConfigDir({ env, home }: Where): string {
  return env.CLOUDSDK_CONFIG || join(home, '.config', 'gcloud');
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The account gcloud uses: `core/account` of its active configuration (what `gcloud auth list` marks active). */
export function gcloudAccount(where: Where): string | undefined {
  const { env } = where;
  if (env.CLOUDSDK_CORE_ACCOUNT) return env.CLOUDSDK_CORE_ACCOUNT;
  const dir = gcloudConfigDir(where);
  const name =
    env.CLOUDSDK_ACTIVE_CONFIG_NAME || readText(join(dir, 'active_config'))?.trim() || 'default';
  const ini = readText(join(dir, 'configurations', `config_${name}`)) ?? '';
  let section = '';
  for (const line of ini.split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header !== null) section = header[1];
    const entry = /^\s*account\s*=\s*(\S+)\s*$/.exec(line);
    if (section === 'core' && entry !== null) return entry[1];
  }
  return undefined;
}

/** IAP tunnels run `gcloud compute start-iap-tunnel`, with gcloud's own login (not the ADC). */
export function gcloudLoginFinding(where: Where): Finding {
  const account = gcloudAccount(where);
  if (account !== undefined) return ok('gcloud', `gcloud login: ${account}`);
  return missing(
    'gcloud',
    `gcloud login: none (\`gcloud auth list\` shows no active account), and SSH through IAP runs gcloud as you`,
    'run `gcloud auth login` (a service account: `gcloud auth activate-service-account --key-file <key.json>`)',
  );
}

/** The project: the synth placeholder is refused. */
export function projectFinding(env: EnvironmentConfig): Finding {
  if (!env.projectIdIsPlaceholder) return ok('gcp-project', `GCP project: ${env.projectId}`);
  return missing(
    'gcp-project',
    `GCP project: none set for "${env.name}" (only the synth placeholder "${env.projectId}")`,
    `set projectId for "${env.name}" in config/environments.ts (committed: synth reads no environment variable)`,
  );
}

/** With OS Login, the shipped placeholder user is nobody's: refused (undefined when it is not the placeholder). */
export function loginUserFinding(env: EnvironmentConfig): Finding | undefined {
  if (!env.ssh.osLogin || env.ssh.user !== PLACEHOLDER_OS_LOGIN_USER) return undefined;
  return missing(
    'config',
    `OS Login user: ssh.user of "${env.name}" is the placeholder "${PLACEHOLDER_OS_LOGIN_USER}"`,
    `set ssh.user for "${env.name}" in config/environments.ts to your OS Login POSIX name ` +
      "(`gcloud compute os-login describe-profile --format='value(posixAccounts[0].username)'` prints it)",
  );
}

/** Logins first (the cause of most first-day failures), then the config's placeholders. */
export function googleFindings(
  env: EnvironmentConfig,
  where: Where,
  needs: { readonly credentials: boolean; readonly gcloudLogin: boolean },
): Finding[] {
  const logins = [
    ...(needs.credentials ? [credentialsFinding(where)] : []),
    ...(needs.gcloudLogin ? [gcloudLoginFinding(where)] : []),
  ];
  const user = loginUserFinding(env);
  return [...logins, projectFinding(env), ...(user ? [user] : [])];
}
