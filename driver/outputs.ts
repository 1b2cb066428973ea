/**
 * The outputs of an environment stack, for the check step and the `env` and `status` commands: the file the last
 * deploy wrote, or `cdktf output` afresh. The shape and its validation are stacks/outputs.ts's.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackOutputs } from '../stacks/outputs';
import { OutputsError, parseStackOutputs } from '../stacks/outputs-parser';
import { FleetOutputs, parseFleetOutputs } from '../stacks/managed-outputs-parser';
import { loginCause } from './login-errors';
import { INVOCATION } from './usage';
import { EnvContext, lockRequest, printError } from './context';
import { EXIT_FAILED } from '../lib/exit-codes';
import { commandLine } from './format';
import { cdktfOutput } from './plan/tools';
import { cleanTail } from './runner/log';
import { SIGNAL_EXIT } from '../lib/signals';
import { envDir } from './paths';
import { readState, takeCdktfLock, updateState } from './state';

/** The outputs of `stack` in an outputs file; OutputsError (one line, naming the file) when unreadable or malformed. */
export function readStackOutputs(file: string, stack: string): StackOutputs {
  return readOutputsWith(file, stack, parseStackOutputs);
}

/** The outputs of `stack`, of either fleet kind (stacks/managed-outputs-parser.ts). */
export function readFleetOutputs(file: string, stack: string): FleetOutputs {
  return readOutputsWith(file, stack, parseFleetOutputs);
}

function readOutputsWith<T>(
  file: string,
  stack: string,
  parse: (json: unknown, s: string) => T,
): T {
  try {
    return parse(JSON.parse(readFileSync(file, 'utf8')) as unknown, stack);
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    throw new OutputsError(
      code !== undefined ? `cannot read ${file} (${code})` : `${file}: ${message}`,
    );
  }
}

/**
 * `cdktf output <env>` into `.run/<env>/outputs.json`, under the cdktf lock (it synthesizes into cdktf.out/): in its
 * own process group, Ctrl-C (SIGTERM, SIGHUP) forwarded once and waited for, then the lock released.
 */
async function runCdktfOutput(ctx: EnvContext, file: string) {
  const { deps, env } = ctx;
  const call = cdktfOutput({ root: deps.root, cdktf: ctx.cdktf }, env.name, file);
  const lock = takeCdktfLock(lockRequest(ctx));
  deps.stderr.write(`reading ${env.name} outputs: ${commandLine(call.command, call.args)}\n`);
  try {
    return await ctx.exec.run({ ...call, output: { mode: 'capture' } });
  } finally {
    lock.release();
  }
}

/** The outputs file the last deploy wrote, when it is still there. */
export function savedOutputsFile(ctx: EnvContext): string | undefined {
  const last = readState(ctx.runBase, ctx.env.name).lastOutputs;
  return last !== undefined && existsSync(last.file) ? last.file : undefined;
}

/** The outputs of the last deploy, or (none, or --refresh) read afresh with `cdktf output`. */
export async function loadOutputs(ctx: EnvContext): Promise<StackOutputs | number> {
  const { env } = ctx;
  const saved = savedOutputsFile(ctx);
  if (!ctx.args.refresh && saved !== undefined) return readStackOutputs(saved, env.name);
  const file = join(envDir(ctx.runBase, env.name), 'outputs.json');
  mkdirSync(envDir(ctx.runBase, env.name), { recursive: true });
  const result = await runCdktfOutput(ctx, file);
  if (result.interrupted !== undefined) {
    printError(
      ctx,
      `interrupted while reading ${env.name}'s outputs: nothing changed, the cdktf lock is released`,
    );
    return SIGNAL_EXIT[result.interrupted];
  }
  if (result.code !== 0 || !existsSync(file)) {
    const why = result.error ? result.error.message : `exit code ${result.code}`;
    const tail = cleanTail(result.output, 12).map((l) => `\n  | ${l}`);
    // The cause first when Google refused the login: "has up run?" would send the user the wrong way.
    const cause = loginCause(result.output);
    const guess = cause === undefined ? `has "${INVOCATION} up ${env.name}" run?` : cause;
    printError(ctx, `could not read ${env.name}'s outputs (${why}): ${guess}${tail.join('')}`);
    return EXIT_FAILED;
  }
  updateState(ctx.runBase, env.name, (s) => ({
    ...s,
    lastOutputs: { file, at: new Date().toISOString() },
  }));
  return readStackOutputs(file, env.name);
}
