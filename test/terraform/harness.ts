/** A minimal test tally for the Terraform tier: one line per check, then `N passed, N failed`. */
export class Tally {
  private passed = 0;
  private failed = 0;

  /** Runs one check; a thrown error fails it with its message, and the run goes on. */
  async check(name: string, fn: () => void | Promise<void>): Promise<boolean> {
    const started = Date.now();
    try {
      await fn();
      this.passed++;
      console.log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return true;
    } catch (err) {
      this.failed++;
      console.log(`FAIL ${name}\n${indent(err instanceof Error ? err.message : String(err))}`);
      return false;
    }
  }

  /** Prints the closing line and returns the process exit code. */
  close(): number {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 && this.passed > 0 ? 0 : 1;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** Throws with `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Throws unless `actual` deep-equals `expected` (compared as JSON with sorted keys). */
export function assertEqual(actual: unknown, expected: unknown, what: string): void {
  const a = stable(actual);
  const e = stable(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}
