/** The SSH section: who may log in (committed public keys or OS Login) and the driver's local key path. */
import { DEFAULTS } from './defaults';
import { SshSpec } from './environment-config';
import { checkBool, checkPattern, fail } from './error';
import { PATTERNS } from './patterns';
import { looksLikeKeyMaterial, show } from './redact';

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? `${home}/${path.slice(2)}` : path;
}

/** Key types as the blob names them; a key line starts with one and ends with a comment. */
const KEY_TYPE = /(^|\s)(ssh-(rsa|ed25519)|ecdsa-sha2-nistp\d+|sk-\S+@openssh\.com) [A-Za-z0-9+/]{16,}/;

/** The key type an OpenSSH blob names (its first length-prefixed string), or undefined when it does not decode. */
function blobType(blob: string): string | undefined {
  const bytes = Buffer.from(blob, 'base64');
  if (bytes.length < 4) return undefined;
  const length = bytes.readUInt32BE(0);
  return length > 0 && length < 64 && bytes.length >= 4 + length
    ? bytes.subarray(4, 4 + length).toString('latin1')
    : undefined;
}

/** What is wrong with a line that has the public key shape: a blob that is not the type, a second key. */
function lineProblem(line: string): string | undefined {
  const [type, blob, ...comment] = line.split(' ');
  const named = blobType(blob);
  if (named === undefined) return `has a key blob that does not decode to an OpenSSH ${type} key`;
  if (named !== type) return `says ${type} but its blob is a ${show(named)} key: the type must match the blob`;
  if (KEY_TYPE.test(comment.join(' '))) return 'holds two keys on one line: give each key as its own list entry';
  return undefined;
}

function checkPublicKey(env: string, name: string, key: unknown): string {
  if (typeof key === 'string' && /PRIVATE KEY/.test(key)) {
    // Said without a byte of it: this message ends up in terminals, CI logs and chats.
    fail(
      { env, name },
      'is a private key, which must never be in the config: give its public half instead ' +
        '(ssh-keygen -y -f <private key file> prints it); the value is not shown',
    );
  }
  if (typeof key === 'string' && /^-----BEGIN|^---- BEGIN SSH2/.test(key.trim())) {
    fail(
      { env, name },
      "is a PEM or RFC 4716 public key: give it in OpenSSH's one-line form " +
        '(ssh-keygen -i -m PKCS8 -f <file> converts a PEM one, ssh-keygen -i -f <file> an RFC 4716 one); the value is not shown',
    );
  }
  if (typeof key === 'string' && PATTERNS.sshKey.re.test(key.trim())) {
    const problem = lineProblem(key.trim());
    if (problem !== undefined) fail({ env, name }, `${problem} (the value is not shown)`);
    return key.trim();
  }
  const what = typeof key === 'string' && looksLikeKeyMaterial(key) ? '(the value is not shown)' : `(got ${show(key)})`;
  fail({ env, name }, `must be ${PATTERNS.sshKey.allowed} ${what}`);
}

function resolvePublicKeys(env: string, ssh: SshSpec, osLogin: boolean): string[] {
  const keys = (ssh.publicKeys ?? []).map((k, i) => checkPublicKey(env, `ssh.publicKeys[${i}]`, k));
  if (osLogin && keys.length > 0) {
    fail(
      { env, name: 'ssh.publicKeys' },
      'must be empty when ssh.osLogin is true: OS Login ignores metadata keys (got keys)',
    );
  }
  if (!osLogin && keys.length === 0) {
    fail(
      { env, name: 'ssh' },
      'gives no way to log in: set ssh.osLogin: true and grant roles/compute.osAdminLogin (preferred), ' +
        "or list the team's OpenSSH public keys in ssh.publicKeys (got neither)",
    );
  }
  return keys;
}

/** A local file path: a non-empty string without control characters (a newline would break every printed line). */
function checkPath(env: string, path: unknown): string {
  // eslint-disable-next-line no-control-regex
  if (typeof path === 'string' && path !== '' && !/[\u0000-\u001f\u007f-\u009f]/.test(path)) return path;
  fail(
    { env, name: 'ssh.privateKeyFile' },
    `must be a file path without control characters such as newlines (got ${show(path)})`,
  );
}

/** The SSH section of one environment (all but connectVia, which the network section decides). */
export function resolveSsh(env: string, spec: SshSpec | undefined, home: string) {
  const ssh = spec ?? {};
  const osLogin = checkBool({ env, name: 'ssh.osLogin' }, ssh.osLogin ?? DEFAULTS.ssh.osLogin);
  if (osLogin && ssh.user === undefined) {
    fail(
      { env, name: 'ssh.user' },
      'must be the OS Login POSIX user name of the identity that deploys, such as "ops_example_com", ' +
        'when ssh.osLogin is true (got nothing)',
    );
  }
  const privateKeyFile = expandHome(checkPath(env, ssh.privateKeyFile ?? DEFAULTS.ssh.privateKeyFile), home);
  return {
    user: checkPattern({ env, name: 'ssh.user' }, ssh.user ?? DEFAULTS.ssh.user, PATTERNS.sshUser),
    publicKeys: resolvePublicKeys(env, ssh, osLogin),
    osLogin,
    privateKeyFile,
    publicKeyFile: `${privateKeyFile}.pub`,
  };
}
