/**
 * How a configuration value is shown in an error message. An error never repeats key material (a private key
 * block, a long base64 run) nor more than a short excerpt of a long value: messages end up in CI logs and chats.
 */

/** Values longer than this are shown as an excerpt. */
export const MAX_SHOWN = 80;

const KEY_MATERIAL = [/-----BEGIN [A-Z ]*KEY-----/, /PRIVATE KEY/];

/** A run of base64 characters as long as key material is. */
const BASE64_RUN = /[A-Za-z0-9+/=]{40,}/g;

/** Upper case, lower case or digit; undefined for "+" and "=". */
function charClass(c: string): number | undefined {
  return /[A-Z]/.test(c) ? 0 : /[a-z]/.test(c) ? 1 : /[0-9]/.test(c) ? 2 : undefined;
}

/** How often a piece's letters and digits change kind from one to the next (0 to 1). */
function changes(piece: string): { changes: number; pairs: number } {
  const classes = [...piece].map(charClass).filter((c) => c !== undefined);
  let count = 0;
  for (let i = 1; i < classes.length; i++) if (classes[i] !== classes[i - 1]) count++;
  return { changes: count, pairs: Math.max(classes.length - 1, 0) };
}

/**
 * Whether a run looks like encoded key material rather than a long plain word: base64 of random bytes this long
 * mixes upper and lower case letters and digits (or "+" and "/"); "aaaa…" or a long name does not. A run cut by
 * "/" into short pieces (a path or URL such as `/Users/AliceSmith/Documents/DockerHosts2024`) is key material only
 * if its pieces change kind of character as random base64 does (about five times in eight; a random 40-character
 * run falls under 0.35 about once in 1,500), where words change every few characters.
 */
function looksEncoded(run: string): boolean {
  if (!(/[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9+/]/.test(run))) return false;
  const pieces = run.split('/');
  if (pieces.length < 3 || pieces.some((p) => p.length > 24)) return true;
  const total = pieces
    .map(changes)
    .reduce((a, b) => ({ changes: a.changes + b.changes, pairs: a.pairs + b.pairs }));
  return total.changes >= 0.35 * total.pairs;
}

/** Whether a text contains what looks like key material (a PEM/OpenSSH block or a long base64 run). */
export function looksLikeKeyMaterial(text: string): boolean {
  return (
    KEY_MATERIAL.some((re) => re.test(text)) || (text.match(BASE64_RUN) ?? []).some(looksEncoded)
  );
}

/** A value as it may appear in an error: JSON-quoted, key material withheld, long values cut short. */
export function show(value: unknown): string {
  // JSON has no NaN nor Infinity (it writes null): show them as the numbers they are.
  const nonFinite = typeof value === 'number' && !Number.isFinite(value);
  const text = nonFinite ? String(value) : (JSON.stringify(value) ?? String(value));
  if (looksLikeKeyMaterial(text))
    return `<${text.length} characters not shown: they look like key material>`;
  if (text.length <= MAX_SHOWN) return text;
  return `${text.slice(0, MAX_SHOWN - 20)}… (${text.length} characters)`;
}
