import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SynthStack } from '../terraform/synth';
import { tail, Tf, TfResult } from '../terraform/terraform';

/**
 * Runs terraform without blocking the event loop: the double answers from this same process, so the
 * Terraform tier's spawnSync would leave every provider call waiting.
 */
export function terraformAsync(tf: Tf, cwd: string, args: string[]): Promise<TfResult> {
  return new Promise((resolve) => {
    const child = spawn(tf.bin, [...args, '-no-color'], {
      cwd,
      env: tf.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const timer = setTimeout(
      () => child.pid !== undefined && process.kill(child.pid, 'SIGTERM'),
      300_000,
    );
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** terraformAsync, throwing with the output tail unless it exits 0. */
export async function terraformAsyncOk(tf: Tf, cwd: string, args: string[]): Promise<string> {
  const r = await terraformAsync(tf, cwd, args);
  if (r.code !== 0)
    throw new Error(`terraform ${args.join(' ')} exited ${r.code} in ${cwd}:\n${tail(r.output)}`);
  return r.output;
}

/**
 * Plans into a file and applies exactly that plan (nothing applied that was not shown). `vars`: the plan's `-var`
 * arguments (a managed stack's release).
 */
export async function planApply(
  tf: Tf,
  stack: SynthStack,
  destroy = false,
  vars: readonly string[] = [],
): Promise<string> {
  const planFile = join(stack.dir, 'double.tfplan');
  const args = ['plan', '-input=false', `-out=${planFile}`].concat(vars);
  await terraformAsyncOk(tf, stack.dir, destroy ? [...args, '-destroy'] : args);
  return terraformAsyncOk(tf, stack.dir, ['apply', '-input=false', planFile]);
}

/** `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error; with the plan's text. */
export function planExit(
  tf: Tf,
  stack: SynthStack,
  vars: readonly string[] = [],
): Promise<TfResult> {
  const args = ['plan', '-input=false', '-detailed-exitcode'].concat(vars);
  return terraformAsync(tf, stack.dir, args);
}
