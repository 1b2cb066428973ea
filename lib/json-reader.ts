/**
 * Typed reads of parsed JSON with one-line errors that name what is read, the field (as a dotted
 * path), the value and what is allowed. Unknown fields are errors (`only`).
 */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads one field with a type check; the error names host, field, value and what is allowed. */
export class JsonReader {
  constructor(
    /** Names what is read, e.g. `status of host "docker-host-001"`. */
    private readonly what: string,
    private readonly obj: Obj,
    private readonly error: (message: string) => Error,
    private readonly path = '',
  ) {}

  private fail(field: string, allowed: string): never {
    const value = JSON.stringify(this.obj[field]) ?? 'nothing';
    throw this.error(
      `${this.what}: field "${this.path}${field}" must be ${allowed} (got ${value.slice(0, 60)})`,
    );
  }

  only(fields: readonly string[]): this {
    const unknown = Object.keys(this.obj).find((k) => !fields.includes(k));
    if (unknown !== undefined) {
      throw this.error(
        `${this.what}: unknown field "${this.path}${unknown}" (known: ${fields.join(', ')})`,
      );
    }
    return this;
  }

  str(field: string): string {
    const v = this.obj[field];
    return typeof v === 'string' ? v : this.fail(field, 'a string');
  }

  strOrNull(field: string): string | null {
    const v = this.obj[field];
    return v === null || v === undefined
      ? null
      : typeof v === 'string'
        ? v
        : this.fail(field, 'a string or null');
  }

  num(field: string, allowNull = false): number | null {
    const v = this.obj[field];
    if (allowNull && (v === null || v === undefined)) return null;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0
      ? v
      : this.fail(field, 'a number ≥ 0');
  }

  bool(field: string): boolean {
    const v = this.obj[field];
    return typeof v === 'boolean' ? v : this.fail(field, 'true or false');
  }

  strings(field: string): string[] {
    const v = this.obj[field];
    return Array.isArray(v) && v.every((s) => typeof s === 'string')
      ? v
      : this.fail(field, 'a list of strings');
  }

  /** A nested object (or null when allowed), read with its own Reader. */
  sub(field: string, fields: readonly string[]): JsonReader | null {
    const v = this.obj[field];
    if (v === null || v === undefined) return null;
    if (!isObj(v)) this.fail(field, 'an object or null');
    return new JsonReader(this.what, v, this.error, `${this.path}${field}.`).only(fields);
  }
}
