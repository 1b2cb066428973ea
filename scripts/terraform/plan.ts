import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SynthStack } from './synth';
import { Tf, terraformOk } from './offline';

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/**
 * Warnings Terraform or the provider may print for the project's stacks without failing the tier, each with its
 * reason. Anything else a `validate` or `plan` warns about fails.
 */
export const ALLOWED_WARNINGS: readonly { readonly summary: RegExp; readonly reason: string }[] =
  [];

/** A stack planned by the real provider: its plan file, `terraform show -json` of it, and how long plan took. */
export interface PlannedStack {
  readonly stack: SynthStack;
  readonly dir: string;
  readonly plan: Record<string, any>;
  readonly seconds: number;
}

/**
 * Plans a synthesized stack with the real provider: a copy without its backend block (local state, nothing to
 * share: the gcs backend itself is proven by state-checks.ts), `init`, `validate -json` (errors and warnings
 * not in ALLOWED_WARNINGS fail), `plan -out` (with `vars`: `-var name=value` pairs), `show -json`.
 */
export function planStack(
  tf: Tf,
  stack: SynthStack,
  label: string,
  vars: readonly string[] = [],
): PlannedStack {
  const dir = `${stack.dir}.plan-${label}`;
  mkdirSync(dir, { recursive: true });
  const json = structuredClone(stack.json);
  delete json.terraform.backend;
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  terraformOk(tf, dir, ['init', '-input=false']);
  checkValidate(terraformOk(tf, dir, ['validate', '-json']));
  const started = Date.now();
  const out = terraformOk(tf, dir, ['plan', '-input=false', ...vars, '-out=tfplan']);
  const seconds = (Date.now() - started) / 1000;
  checkWarnings(
    out
      .split('\n')
      .filter((l) => /Warning: /.test(l))
      .map((l) => l.replace(/^.*Warning: /, '')),
  );
  const plan = JSON.parse(terraformOk(tf, dir, ['show', '-json', 'tfplan']));
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  return { stack, dir, plan, seconds };
}

/** `terraform validate -json`: valid, and no diagnostic but allowed warnings. */
export function checkValidate(output: string): void {
  const result = JSON.parse(output.slice(output.indexOf('{')));
  assert(result.valid === true, `validate: not valid: ${JSON.stringify(result.diagnostics)}`);
  const errors = result.diagnostics.filter((d: any) => d.severity === 'error');
  assert(errors.length === 0, `validate: errors ${JSON.stringify(errors)}`);
  checkWarnings(
    result.diagnostics.filter((d: any) => d.severity === 'warning').map((d: any) => d.summary),
  );
}

function checkWarnings(summaries: readonly string[]): void {
  const unexpected = summaries.filter((s) => !ALLOWED_WARNINGS.some((w) => w.summary.test(s)));
  assert(unexpected.length === 0, `warnings not in ALLOWED_WARNINGS: ${unexpected.join('; ')}`);
}
