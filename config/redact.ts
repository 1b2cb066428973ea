/**
 * How a configuration value is shown in an error message. An error never repeats key material (a private key
 * block, a long base64 run) nor more than a short excerpt of a long value: messages end up in CI logs and chats.
 */

/** Values longer than this are shown as an excerpt. */
export const MAX_SHOWN = 80;

const KEY_MATERIAL = [/-----BEGIN [A-Z ]*KEY-----/, /PRIVATE KEY/];

/** A run of base64 characters as long as key material is. */
const BASE64_RUN = /[A-Za-z0-9+/=]{40,}/g;

/**
 * Whether a run looks like encoded key material rather than a long plain word: base64 of random bytes this long
 * mixes upper and lower case letters and digits (or "+" and "/"); "aaaa…" or a long name does not.
 */
function looksEncoded(run: string): boolean {
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9+/]/.test(run);
}

/** Whether a text contains what looks like key material (a PEM/OpenSSH block or a long base64 run). */
export function looksLikeKeyMaterial(text: string): boolean {
  return KEY_MATERIAL.some((re) => re.test(text)) || (text.match(BASE64_RUN) ?? []).some(looksEncoded);
}

/** A value as it may appear in an error: JSON-quoted, key material withheld, long values cut short. */
export function show(value: unknown): string {
  // JSON has no NaN nor Infinity (it writes null): show them as the numbers they are.
  const nonFinite = typeof value === 'number' && !Number.isFinite(value);
  const text = nonFinite ? String(value) : (JSON.stringify(value) ?? String(value));
  if (looksLikeKeyMaterial(text)) return `<${text.length} characters not shown: they look like key material>`;
  if (text.length <= MAX_SHOWN) return text;
  return `${text.slice(0, MAX_SHOWN - 20)}… (${text.length} characters)`;
}
