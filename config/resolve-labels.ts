/** Labels: Google's syntax and its 64-per-resource limit, counting the labels the project sets itself. */
import { fail } from './error';
import { MAX_LABELS, MAX_USER_LABELS, RESERVED_LABEL_KEYS } from './gcp';
import { PATTERNS } from './patterns';
import { show } from './redact';

export function resolveLabels(
  env: string,
  value: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const entries = Object.entries(value ?? {});
  if (entries.length > MAX_USER_LABELS) {
    fail(
      { env, name: 'labels' },
      `must have at most ${MAX_USER_LABELS} entries: Google allows ${MAX_LABELS} labels per resource and the project ` +
        `sets up to ${MAX_LABELS - MAX_USER_LABELS} itself (${RESERVED_LABEL_KEYS.join(', ')}) (got ${entries.length})`,
    );
  }
  for (const [key, label] of entries) {
    if (!PATTERNS.labelKey.re.test(key))
      fail({ env, name: 'labels' }, `keys must be ${PATTERNS.labelKey.allowed} (got ${show(key)})`);
    if (key.startsWith('goog'))
      fail(
        { env, name: `labels.${key}` },
        'must not start with "goog": Google reserves those keys',
      );
    if (RESERVED_LABEL_KEYS.includes(key)) {
      fail(
        { env, name: `labels.${key}` },
        `is set by the project and must not be overridden (reserved: ${RESERVED_LABEL_KEYS.join(', ')})`,
      );
    }
    if (typeof label !== 'string' || !PATTERNS.labelValue.re.test(label)) {
      fail(
        { env, name: `labels.${key}` },
        `must be ${PATTERNS.labelValue.allowed} (got ${show(label)})`,
      );
    }
  }
  return Object.fromEntries(entries);
}
