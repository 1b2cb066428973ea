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

/** The tools a tier's run.sh exports (.ci/tools.sh): Terraform 1.5.7, fake-gcs-server, the provider's mirror. */
export interface TierTools {
  readonly terraformBin: string;
  readonly fakeGcsBin: string;
  readonly cliConfig: string;
}

/** TierTools from the environment; `script` is the run.sh that sets them, named when one is missing. */
export function tierTools(env: NodeJS.ProcessEnv, script: string): TierTools {
  const { TERRAFORM_BIN, FAKE_GCS_BIN, TF_MIRROR_CONFIG } = env;
  if (!TERRAFORM_BIN || !FAKE_GCS_BIN || !TF_MIRROR_CONFIG)
    throw new Error(`TERRAFORM_BIN, FAKE_GCS_BIN and TF_MIRROR_CONFIG must be set (run ${script})`);
  return { terraformBin: TERRAFORM_BIN, fakeGcsBin: FAKE_GCS_BIN, cliConfig: TF_MIRROR_CONFIG };
}

/** Runs a tier's main and exits with its code; a throw is printed and counted as one failed check. */
export function runTier(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.stack : String(err));
      console.log('0 passed, 1 failed');
      process.exit(1);
    },
  );
}
