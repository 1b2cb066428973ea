/**
 * How a configuration value is shown in an error message. An error never repeats key material (a private key
 * block, a long base64 run) nor more than a short excerpt of a long value: messages end up in CI logs and chats.
 */

/** Values longer than this are shown as an excerpt. */
export const MAX_SHOWN = 80;

const KEY_MATERIAL = [/-----BEGIN [A-Z ]*KEY-----/, /PRIVATE KEY/, /[A-Za-z0-9+/=]{40,}/];

/** Whether a text contains what looks like key material (a PEM/OpenSSH block or a long base64 run). */
export function looksLikeKeyMaterial(text: string): boolean {
  return KEY_MATERIAL.some((re) => re.test(text));
}

/** A value as it may appear in an error: JSON-quoted, key material withheld, long values cut short. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  if (looksLikeKeyMaterial(text)) return `<${text.length} characters not shown: they look like key material>`;
  if (text.length <= MAX_SHOWN) return text;
  return `${text.slice(0, MAX_SHOWN - 20)}… (${text.length} characters)`;
}
