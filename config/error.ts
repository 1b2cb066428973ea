import { closest } from '../lib/cli/suggest';
import { show } from './redact';

/** A configuration mistake, reported as one line that names the environment and the field. */
export class ConfigError extends Error {
  constructor(
    readonly environment: string | undefined,
    readonly field: string,
    readonly detail: string,
  ) {
    super(
      `config error: ${environment === undefined ? '' : `environment ${show(environment)}: `}` +
        `field "${field}" ${detail}`,
    );
    this.name = 'ConfigError';
  }
}

/** A field's value against a pattern and the words that say what is allowed. */
export interface Pattern {
  readonly re: RegExp;
  readonly allowed: string;
}

/** Where a field is: the environment (undefined for project-wide fields) and its dotted name. */
export interface Field {
  readonly env: string | undefined;
  readonly name: string;
}

export function fail(field: Field, detail: string): never {
  throw new ConfigError(field.env, field.name, detail);
}

export function checkPattern(field: Field, value: unknown, pattern: Pattern): string {
  if (typeof value !== 'string' || !pattern.re.test(value))
    fail(field, `must be ${pattern.allowed} (got ${show(value)})`);
  return value;
}

export function checkInt(field: Field, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max} (got ${show(value)})`);
  }
  return value;
}

export function checkBool(field: Field, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(field, `must be true or false (got ${show(value)})`);
  return value;
}

export function checkOneOf<T extends string>(
  field: Field,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
    const mean = guess === undefined ? '' : `; did you mean "${guess}"?`;
    fail(field, `must be ${allowed.map((a) => `"${a}"`).join(' or ')} (got ${show(value)}${mean})`);
  }
  return value as T;
}
