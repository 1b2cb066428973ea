import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tail, terraform, Tf } from '../../scripts/terraform/offline';

// Shared with policies/checkov/plans.ts (scripts/terraform/offline.ts); the tier's files import them from here.
export {
  offlineTerraform,
  tail,
  terraform,
  terraformOk,
  type Tf,
  type TfResult,
} from '../../scripts/terraform/offline';

/** Runs terraform and throws unless it fails with `expected` in its output; returns that output. */
export function terraformFails(
  tf: Tf,
  cwd: string,
  args: string[],
  expected: string | RegExp,
): string {
  const r = terraform(tf, cwd, args);
  if (r.code === 0)
    throw new Error(
      `terraform ${args.join(' ')} succeeded; expected it to fail:\n${tail(r.output)}`,
    );
  const found =
    typeof expected === 'string' ? r.output.includes(expected) : expected.test(r.output);
  if (!found)
    throw new Error(`terraform ${args.join(' ')} failed without ${expected}:\n${tail(r.output)}`);
  return r.output;
}

/** A terraform process left running (e.g. at a prompt), with its output so far. */
export class RunningTerraform {
  output = '';
  readonly exited: Promise<number>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(tf: Tf, cwd: string, args: string[]) {
    this.child = spawn(tf.bin, [...args, '-no-color'], { cwd, env: tf.env });
    this.child.stdout.on('data', (d) => (this.output += String(d)));
    this.child.stderr.on('data', (d) => (this.output += String(d)));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code ?? -1)));
  }

  /** Waits until the output contains `text` (or throws after `seconds`). */
  async waitFor(text: string, seconds = 60): Promise<void> {
    for (let i = 0; i < seconds * 10; i++) {
      if (this.output.includes(text)) return;
      if (this.child.exitCode !== null) break;
      await sleep(100);
    }
    throw new Error(`terraform never printed "${text}"; output:\n${tail(this.output)}`);
  }

  /** Answers a prompt and waits for the process to exit. */
  async answer(line: string): Promise<number> {
    this.child.stdin.end(`${line}\n`);
    return this.exited;
  }

  /** Ends the process by its PID (cleanup after a failed check). */
  kill(): void {
    if (this.child.exitCode === null && this.child.pid !== undefined)
      process.kill(this.child.pid, 'SIGTERM');
  }
}

/**
 * What of a synthesized stack Terraform can run without the Google provider: its `terraform.backend`
 * block exactly as synthesized, and the outputs whose values are constants (no resource reference).
 */
export function backendOnly(json: Record<string, any>): Record<string, any> {
  const outputs = Object.entries<any>(json.output ?? {}).filter(
    ([, o]) => !JSON.stringify(o.value).includes('${'),
  );
  return { terraform: { backend: json.terraform.backend }, output: Object.fromEntries(outputs) };
}

/**
 * Writes a stack's backend-only copy beside it (`stacks/<name>.backend-only`, the same depth, so a
 * relative local state path means the same file) and returns that folder.
 */
export function writeBackendOnly(stackDir: string, json: Record<string, any>): string {
  const dir = `${stackDir}.backend-only`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(backendOnly(json), null, 2));
  return dir;
}

/** Gives the synthesized stack folder the backend initialisation of its backend-only copy. */
export function shareInit(from: string, to: string): void {
  rmSync(join(to, '.terraform'), { recursive: true, force: true });
  cpSync(join(from, '.terraform'), join(to, '.terraform'), { recursive: true });
}
