/** The syntax of every identifier the config takes, each with the words that say what is allowed. */
import { PROJECT_ID, RFC1035_NAME, USER_NAME } from '../lib/constants';
import { Pattern } from './error';

/** Docker's reference grammar (github.com/distribution/reference): [domain[:port]/]path[:tag][@digest]. */
const DOCKER_REFERENCE = (() => {
  const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
  const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
  const domain = `${host}(?::[0-9]+)?`;
  const pathComponent = '[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*';
  const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
  const tag = '[\\w][\\w.-]{0,127}';
  const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
  return new RegExp(`^${name}(?::${tag})?(?:@${digest})?$`);
})();

export const PATTERNS = {
  name: {
    re: /^[a-z]([a-z0-9-]{0,15}[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and hyphens, starting with a letter, at most 17 characters',
  },
  projectId: {
    re: PROJECT_ID,
    allowed:
      '6-30 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen',
  },
  machineType: {
    re: /^[a-z][a-z0-9]*-[a-z0-9-]+$/,
    allowed: 'a machine type such as "e2-small" or "n2-standard-2"',
  },
  imageFamily: {
    re: RFC1035_NAME,
    allowed:
      'a non-empty image family name: lowercase letters, digits and hyphens, at most 63 characters',
  },
  // Packer names images `<family>-<14-digit timestamp>`, and image names stop at 63 characters.
  builtImageFamily: {
    re: /^[a-z]([-a-z0-9]{0,46}[a-z0-9])?$/,
    allowed:
      'a non-empty image family name: lowercase letters, digits and hyphens, at most 48 characters ' +
      '(Packer appends "-<timestamp>" and image names stop at 63)',
  },
  network: { re: RFC1035_NAME, allowed: 'a VPC network name such as "default"' },
  sshUser: { re: USER_NAME, allowed: 'a POSIX user name such as "deploy"' },
  // Docker's own rule ([a-zA-Z0-9][a-zA-Z0-9_.-]+, so at least two characters), kept to a hostname's 63.
  containerName: {
    re: /^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,62}$/,
    allowed:
      'a Docker container name: 2-63 letters, digits, "_", "." and "-", starting with a letter or digit',
  },
  image: {
    re: DOCKER_REFERENCE,
    allowed:
      'a Docker image reference, [registry[:port]/]name[:tag][@digest] with a lowercase name, ' +
      'such as "vladimirdenisov69/otus-reddit:1.0"',
  },
  registryRepository: {
    re: RFC1035_NAME,
    allowed: 'lowercase letters, digits and hyphens, starting with a letter, at most 63 characters',
  },
  // A path below the repository root: no absolute path, no "..", no empty segment.
  relativePath: {
    // A leading "-" would read as an option where the path is an argument (docker build's context).
    re: /^(?![/-])(?!.*(^|\/)\.\.(\/|$))(?!.*\/\/)[A-Za-z0-9_.\-/]+$/,
    allowed: 'a relative path inside the repository such as "app" (no "..", no leading "/" or "-")',
  },
  buildImageName: {
    re: /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
    allowed: 'an image name such as "reddit" (lowercase letters, digits, ".", "_", "-", "/")',
  },
  // RFC 1123 host names, at least two labels, no trailing dot: what a Google-managed certificate takes.
  domain: {
    re: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    allowed:
      'a lowercase DNS name such as "app.example.com" (no scheme, port, path or trailing dot)',
  },
  urlPath: {
    re: /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,1023}$/,
    allowed: 'an absolute URL path such as "/" or "/healthz" (no query, no fragment, no spaces)',
  },
  // POSIX's portable environment names, which Docker's --env and --env-file take.
  envName: {
    re: /^[A-Za-z_][A-Za-z0-9_]{0,254}$/,
    allowed: 'an environment variable name: letters, digits and "_", not starting with a digit',
  },
  // Secret Manager's secret ids.
  secretId: {
    re: /^[A-Za-z0-9_-]{1,255}$/,
    allowed: 'a Secret Manager secret id: 1-255 letters, digits, "_" and "-"',
  },
  // Docker's volume names (its container-name rule), without "." so a name is never a path.
  volumeName: {
    re: /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/,
    allowed: 'a volume name: letters, digits, "_" and "-", starting with a letter or digit',
  },
  containerPath: {
    re: /^\/(?!.*(^|\/)\.\.(\/|$))(?!.*\/\/)[A-Za-z0-9_.\-/]*$/,
    allowed: 'letters, digits, "_", ".", "-" and "/", no ".." and no "//"',
  },
  // Accessories are reached by name on the app's network: a DNS label.
  accessoryName: {
    re: /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and hyphens, starting with a letter, at most 63 characters',
  },
  buildArg: { re: /^[A-Za-z_][A-Za-z0-9_]*$/, allowed: 'names of letters, digits and "_"' },
  labelKey: {
    re: /^[a-z][a-z0-9_-]{0,62}$/,
    allowed:
      'lowercase letters, digits, "_" and "-", starting with a letter, at most 63 characters',
  },
  labelValue: {
    // Google allows international lowercase letters in label values (such as "équipe").
    re: /^[\p{Ll}\p{Lo}0-9_-]{0,63}$/u,
    allowed:
      'lowercase letters (international ones too), digits, "_" and "-", at most 63 characters',
  },
  sshKey: {
    re: /^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/,
    allowed: 'one OpenSSH public key line such as "ssh-ed25519 AAAA... user@host"',
  },
} as const satisfies Record<string, Pattern>;
