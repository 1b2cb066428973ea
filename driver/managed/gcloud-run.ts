/** Runs a managed fleet's gcloud calls through the command's one executor; a failure is one line and the tail. */
import type { ExecResult } from '../exec/exec';
import { EXIT_FAILED } from '../../lib/exit-codes';
import { EnvContext, printError } from '../context';
import { cleanTail } from '../runner/log';
import type { GcloudCall } from './gcloud';

/** The call's result, its output captured. */
export function runGcloud(ctx: EnvContext, call: GcloudCall): Promise<ExecResult> {
  return ctx.exec.run({ ...call, output: { mode: 'capture' } });
}

/** Whether the call ran and exited 0. */
export function succeeded(ran: ExecResult): boolean {
  return ran.code === 0 && ran.error === undefined && ran.interrupted === undefined;
}

/** One line: the call (its first arguments), why it failed (exit code or error), then the tail of its output. */
export function failureLine(call: GcloudCall, ran: ExecResult): string {
  const why = ran.error?.message ?? `exit ${ran.code}`;
  const tail = cleanTail(ran.stderr || ran.stdout, 8).map((l) => `\n  | ${l}`);
  return `${call.command} ${call.args.slice(0, 4).join(' ')} failed (${why})${tail.join('')}`;
}

/** Runs a gcloud call, its stdout; a failure is printed as one line and the tail, and is the exit code. */
export async function gcloud(ctx: EnvContext, call: GcloudCall): Promise<string | number> {
  const ran = await runGcloud(ctx, call);
  if (ran.interrupted !== undefined) return ran.code;
  if (succeeded(ran)) return ran.stdout;
  printError(ctx, failureLine(call, ran));
  return EXIT_FAILED;
}
