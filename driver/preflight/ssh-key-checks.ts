/**
 * The driver's preflight checks of the local SSH key (the private-key path is a local setting, never synthesized):
 * it must be a small readable regular file, and its public half must be one the environment lets in.
 */
import { EnvironmentConfig } from '../../config';
import { inspectKeyFile } from './key-file';

export interface KeyCheck {
  readonly ok: boolean;
  readonly summary: string;
  readonly fix?: string;
}

/** The key type and comment of a public key line, never its body. */
function describeKey(line: string): string {
  const [type, , comment] = line.trim().split(/\s+/);
  return comment === undefined ? type : `${type} … ${comment}`;
}

function sameKey(a: string, b: string): boolean {
  return (
    a.trim().split(/\s+/).slice(0, 2).join(' ') === b.trim().split(/\s+/).slice(0, 2).join(' ')
  );
}

function osLoginCheck(env: EnvironmentConfig): KeyCheck {
  const file = env.ssh.publicKeyFile;
  const register = `gcloud compute os-login ssh-keys add --key-file ${file}`;
  const key = inspectKeyFile(file, false);
  return key.ok
    ? {
        ok: true,
        summary: `SSH public key: ${file} (OS Login: register it once with \`${register}\`)`,
      }
    : {
        ok: false,
        summary: `SSH public key: ${file} ${key.problem}; with OS Login it must be on your OS Login profile`,
        fix: `ssh-keygen -t ed25519 -f ${env.ssh.privateKeyFile} && ${register}`,
      };
}

/** With metadata keys: the local key's public half, when it can be read, must be among ssh.publicKeys. */
export function sshPublicKeyCheck(env: EnvironmentConfig): KeyCheck {
  if (env.ssh.osLogin) return osLoginCheck(env);
  const file = env.ssh.publicKeyFile;
  const listed = `${env.ssh.publicKeys.length} in ssh.publicKeys of "${env.name}"`;
  const key = inspectKeyFile(file, true);
  if (!key.ok)
    return {
      ok: true,
      summary: `SSH public keys: ${listed} (${file} ${key.problem}: not compared)`,
    };
  const line = key.text.trim();
  if (env.ssh.publicKeys.some((k) => sameKey(k, line))) {
    return {
      ok: true,
      summary: `SSH public key: ${describeKey(line)} (${file}), one of the ${listed}`,
    };
  }
  return {
    ok: false,
    summary: `SSH public key: ${file} is not among the ${listed}: the hosts would not let you in`,
    fix: `add the line of ${file} to ssh.publicKeys for "${env.name}" in config/environments.ts and deploy, or point ssh.privateKeyFile at a listed key`,
  };
}

/** The private key Ansible logs in with: it must be a readable regular file (its content is never read here). */
export function sshPrivateKeyCheck(env: EnvironmentConfig): KeyCheck {
  const file = env.ssh.privateKeyFile;
  const key = inspectKeyFile(file, false);
  return key.ok
    ? { ok: true, summary: `SSH private key: ${file}` }
    : {
        ok: false,
        summary: `SSH private key (ssh.privateKeyFile): ${file} ${key.problem} (Ansible logs in with it)`,
        fix: `ssh-keygen -t ed25519 -f ${file} -C ${env.ssh.user}, or set ssh.privateKeyFile in config/environments.ts`,
      };
}
