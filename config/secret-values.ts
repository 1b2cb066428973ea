/**
 * Whether a plain environment value looks like a secret, and why. Plain `env` values are committed config and end
 * up in synth output, the driver's vars file and `docker inspect`: a secret belongs in `secrets` (Secret Manager).
 * The reason never repeats the value.
 */
import { looksLikeKeyMaterial } from './redact';

/** Prefixes of well-known credentials, with the words that name them. */
const KNOWN_PREFIXES: readonly (readonly [RegExp, string])[] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'a GitLab token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}/, 'a Stripe key'],
  [/\bAIza[0-9A-Za-z_-]{35}/, 'a Google API key'],
  [/\bya29\.[0-9A-Za-z_-]{20,}/, 'a Google OAuth token'],
  [/"private_key"\s*:/, 'a service account key file'],
];

/** `password=…`, `secret: …`, `api_key=…`: a credential assigned inside the value. */
const ASSIGNMENT =
  /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|credentials?)\s*[=:]\s*\S/i;
/** `scheme://user:password@host`: a URL that carries a password. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
/** A run long enough to be a generated token. */
const TOKEN_RUN = /[A-Za-z0-9_\-+/=.]{24,}/g;

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/**
 * A token of random characters: mixed letters and digits, high entropy (a 24-character random alphanumeric run
 * scores about 4.3 bits a character; words, paths, UUIDs and host names stay under 4).
 */
function isRandomToken(run: string): boolean {
  return /[A-Za-z]/.test(run) && /[0-9]/.test(run) && entropy(run) >= 4;
}

/** Why a plain environment value looks like a secret; undefined when it does not. */
export function secretReason(value: string): string | undefined {
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(value)) return 'it contains a PEM block';
  if (looksLikeKeyMaterial(value)) return 'it contains what looks like key material';
  for (const [re, what] of KNOWN_PREFIXES) if (re.test(value)) return `it looks like ${what}`;
  if (URL_PASSWORD.test(value)) return 'it is a URL with a password in it';
  if (ASSIGNMENT.test(value)) return 'it assigns a password, secret, token or key';
  if ((value.match(TOKEN_RUN) ?? []).some(isRandomToken)) return 'it contains a long random token';
  return undefined;
}
