/**
 * What a container gets besides its image, for the app and each accessory alike: plain `env`, `secrets` from
 * Secret Manager (by id, never by value) and `volumes` under the data dir. `prefix` is the field's path, `app` or
 * `accessories.<name>`.
 */
import { ContainerDataSpec, SecretConfig, SecretRef, VolumeConfig } from './environment-config';
import { checkPattern, fail, Field } from './error';
import { DATA_DIR } from '../lib/constants';
import { PATTERNS } from './patterns';
import { show } from './redact';
import { secretReason } from './secret-values';

export interface ContainerData {
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretConfig[];
  readonly volumes: readonly VolumeConfig[];
}

function resolveEnvVars(
  env: string,
  prefix: string,
  spec: ContainerDataSpec,
): Record<string, string> {
  const vars = spec.env ?? {};
  for (const [name, value] of Object.entries(vars)) {
    checkPattern({ env, name: `${prefix}.env` }, name, PATTERNS.envName);
    const reason = secretReason(value);
    if (reason !== undefined) {
      fail(
        { env, name: `${prefix}.env.${name}` },
        `looks like a secret (${reason}; the value is not shown): put it in Secret Manager and name it in ` +
          `${prefix}.secrets instead`,
      );
    }
  }
  return Object.fromEntries(Object.entries(vars).sort(([a], [b]) => a.localeCompare(b)));
}

function secretVersion(field: Field, version: unknown): string {
  if (version === undefined || version === 'latest') return 'latest';
  const text = typeof version === 'number' ? String(version) : version;
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,18}$/.test(text))
    fail(field, `must be "latest" or a version number such as 3 (got ${show(version)})`);
  return text;
}

function resolveSecret(env: string, prefix: string, name: string, ref: SecretRef): SecretConfig {
  const field = { env, name: `${prefix}.secrets.${name}` };
  checkPattern({ env, name: `${prefix}.secrets` }, name, PATTERNS.envName);
  const id = typeof ref === 'string' ? ref : ref.secret;
  if (typeof ref !== 'string' && id === undefined)
    fail(field, 'must name its secret: { secret: "secret-id", version: "latest" }');
  const idField = typeof ref === 'string' ? field : { env, name: `${field.name}.secret` };
  checkPattern(idField, id, PATTERNS.secretId);
  const version = typeof ref === 'string' ? undefined : ref.version;
  return {
    name,
    secret: id,
    version: secretVersion({ env, name: `${field.name}.version` }, version),
  };
}

function resolveSecrets(env: string, prefix: string, spec: ContainerDataSpec): SecretConfig[] {
  const secrets = Object.entries(spec.secrets ?? {}).map(([name, ref]) =>
    resolveSecret(env, prefix, name, ref),
  );
  for (const { name } of secrets) {
    if (Object.hasOwn(spec.env ?? {}, name)) {
      fail(
        { env, name: `${prefix}.secrets.${name}` },
        `is also in ${prefix}.env: a variable is either plain or a secret, not both`,
      );
    }
  }
  return secrets.sort((a, b) => a.name.localeCompare(b.name));
}

/** `source:target[:ro|:rw]`, as Docker's -v writes it. */
function resolveVolume(field: Field, text: string): VolumeConfig {
  const parts = text.split(':');
  const [source, target, mode] = parts;
  const allowed =
    'must be "source:/path/in/container" or "source:/path/in/container:ro", the source a name such as "db" ' +
    `or a relative path such as "uploads/images" under the data dir (${DATA_DIR})`;
  if (parts.length < 2 || parts.length > 3 || (mode !== undefined && !['ro', 'rw'].includes(mode)))
    fail(field, `${allowed} (got ${show(text)})`);
  const bareName = PATTERNS.volumeName.re.test(source);
  if (!bareName && !PATTERNS.relativePath.re.test(source))
    fail(field, `${allowed} (got ${show(text)})`);
  if (!PATTERNS.containerPath.re.test(target) || target === '/') {
    fail(
      field,
      `must have an absolute target path other than "/", ${PATTERNS.containerPath.allowed} (got ${show(text)})`,
    );
  }
  return { source, target, readOnly: mode === 'ro' };
}

function resolveVolumes(env: string, prefix: string, spec: ContainerDataSpec): VolumeConfig[] {
  const field = { env, name: `${prefix}.volumes` };
  const volumes = (spec.volumes ?? []).map((text) => resolveVolume(field, text));
  const targets = new Set<string>();
  for (const v of volumes) {
    if (targets.has(v.target))
      fail(field, `must mount each container path once (got ${show(v.target)} twice)`);
    targets.add(v.target);
  }
  return volumes;
}

/** The container's env, secrets and volumes, each checked. */
export function resolveContainerData(
  env: string,
  prefix: string,
  spec: ContainerDataSpec,
): ContainerData {
  return {
    env: resolveEnvVars(env, prefix, spec),
    secrets: resolveSecrets(env, prefix, spec),
    volumes: resolveVolumes(env, prefix, spec),
  };
}
