import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppSpec } from '../../config';
import { GoogleDouble } from '../double/server';

/**
 * The fake metadata server and Secret Manager that test/hosts/metadata.sh runs on the bridge for the hosts (the
 * data scenario's): the host's token from the one, the secret's value (with that token only) from the other.
 */
export interface SecretStore {
  /** docker_host_metadata_token_url for the hosts. */
  readonly tokenUrl: string;
  /** secret_manager_url for the hosts. */
  readonly secretManagerUrl: string;
  /** The store serves `<dir>/<project>/<id>` as the secret's latest version. */
  readonly dir: string;
}

/** stage's app secret: the variable, the Secret Manager secret id, and the value made for this run. */
export interface AppSecret {
  readonly name: string;
  readonly id: string;
  readonly value: string;
}

const SECRET_NAME = 'APP_PASSWORD';
const SECRET_ID = 'whole-up-app-password';
/** stage's app's plain environment. */
export const PLAIN_ENV = { APP_GREETING: 'hello from the whole up' } as const;

/** What run.sh passes (test/hosts/whole-up.sh): WHOLE_UP_TOKEN_URL, WHOLE_UP_SECRET_MANAGER_URL, WHOLE_UP_SECRETS_DIR. */
export function secretStore(env: NodeJS.ProcessEnv): SecretStore {
  const {
    WHOLE_UP_TOKEN_URL: tokenUrl,
    WHOLE_UP_SECRET_MANAGER_URL: url,
    WHOLE_UP_SECRETS_DIR: dir,
  } = env;
  if (!tokenUrl || !url || !dir)
    throw new Error(
      'WHOLE_UP_TOKEN_URL, WHOLE_UP_SECRET_MANAGER_URL and WHOLE_UP_SECRETS_DIR must be set: run ' +
        'test/whole-up/run.sh (test/hosts/whole-up.sh starts the fake metadata server and Secret Manager)',
    );
  return { tokenUrl, secretManagerUrl: url, dir };
}

/** The group_vars lines that point the hosts at the store (test plumbing, beside the playbooks of the copy). */
export function storeVars(store: SecretStore): string {
  return (
    `docker_host_metadata_token_url: "${store.tokenUrl}"\n` +
    `secret_manager_url: "${store.secretManagerUrl}"\n`
  );
}

/** stage's app with the secret (by id) and the plain env. */
export function withSecret(app: AppSpec): AppSpec {
  return { ...app, env: PLAIN_ENV, secrets: { [SECRET_NAME]: SECRET_ID } };
}

/**
 * The secret as an operator makes it: created in the double (`gcloud secrets create`: an id, no value), its
 * value (random, made for this run) stored as the latest version in the hosts' store.
 */
export function makeSecret(store: SecretStore, double: GoogleDouble, project: string): AppSecret {
  const value = `whole-up-${randomBytes(18).toString('base64url')}`;
  mkdirSync(join(store.dir, project), { recursive: true, mode: 0o700 });
  writeFileSync(join(store.dir, project, SECRET_ID), value, { mode: 0o600 });
  double.publishSecret(project, SECRET_ID);
  return { name: SECRET_NAME, id: SECRET_ID, value };
}
