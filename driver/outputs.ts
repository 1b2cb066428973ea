/**
 * The outputs of an environment stack, for the check step and the `env` and `status` commands: the file the last
 * deploy wrote, or `cdktf output` afresh. The shape and its validation are stacks/outputs.ts's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputsError, parseStackOutputs, StackOutputs } from '../stacks/outputs';
import { INVOCATION } from './usage';
import { EnvContext, printError } from './context';
import { EXIT_FAILED, EXIT_INTERRUPTED } from './exit-codes';
import { commandLine } from './format';
import { cdktfOutput } from './plan/tools';
import { cleanTail } from './runner/log';
import { envDir, readState, takeCdktfLock, updateState } from './state';

/** The outputs of `stack` in an outputs file; OutputsError (one line, naming the file) when unreadable or malformed. */
export function readStackOutputs(file: string, stack: string): StackOutputs {
  try {
    return parseStackOutputs(JSON.parse(readFileSync(file, 'utf8')) as unknown, stack);
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    throw new OutputsError(code !== undefined ? `cannot read ${file} (${code})` : `${file}: ${message}`);
  }
}

/** `cdktf output <env>` into `.run/<env>/outputs.json`, under the cdktf lock (it synthesizes into cdktf.out/). */
function runCdktfOutput(ctx: EnvContext, file: string) {
  const { deps, env } = ctx;
  const { command, args, cwd, env: vars } = cdktfOutput({ root: deps.root, cdktf: ctx.cdktf }, env.name, file);
  const lock = takeCdktfLock(ctx);
  deps.stderr.write(`reading ${env.name} outputs: ${commandLine(command, args)}\n`);
  // cdktf gets the terminal's Ctrl-C too; a listener keeps the driver alive until it ends, to release the lock.
  const signals = deps.signals ?? process;
  const keepAlive = () => undefined;
  signals.on('SIGINT', keepAlive);
  try {
    const childEnv = { ...deps.env, ...vars };
    return spawnSync(command, [...args], { cwd, env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    signals.off('SIGINT', keepAlive);
    lock.release();
  }
}

/** The outputs of the last deploy, or (none, or --refresh) read afresh with `cdktf output`. */
export function loadOutputs(ctx: EnvContext): StackOutputs | number {
  const { env } = ctx;
  const last = readState(ctx.runBase, env.name).lastOutputs;
  if (!ctx.args.refresh && last !== undefined && existsSync(last.file)) return readStackOutputs(last.file, env.name);
  const file = join(envDir(ctx.runBase, env.name), 'outputs.json');
  mkdirSync(envDir(ctx.runBase, env.name), { recursive: true });
  const result = runCdktfOutput(ctx, file);
  if (result.signal === 'SIGINT') {
    printError(ctx, `interrupted while reading ${env.name}'s outputs: nothing changed, the cdktf lock is released`);
    return EXIT_INTERRUPTED;
  }
  if (result.status !== 0 || !existsSync(file)) {
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    const tail = cleanTail(`${result.stdout ?? ''}\n${result.stderr ?? ''}`, 12).map((l) => `\n  | ${l}`);
    printError(
      ctx,
      `could not read ${env.name}'s outputs (${why}); has "${INVOCATION} up ${env.name}" run?${tail.join('')}`,
    );
    return EXIT_FAILED;
  }
  updateState(ctx.runBase, env.name, (s) => ({ ...s, lastOutputs: { file, at: new Date().toISOString() } }));
  return readStackOutputs(file, env.name);
}
