/**
 * The shared release history of a managed fleet in its state bucket (history.ts): `up` writes one new object per
 * release whose check passed (`gcloud storage cp` of a file in the run folder), `releases` and `rollback` read them
 * all with one `gcloud storage cat`. Both go through the command's one executor.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_FAILED } from '../../lib/exit-codes';
import { EnvContext, printError } from '../context';
import { commandLine } from '../format';
import { catStorageCall, copyToStorageCall } from './gcloud';
import { failureLine, runGcloud, succeeded } from './gcloud-run';
import {
  ManagedRelease,
  NO_OBJECTS,
  parseHistory,
  releaseHistoryUrl,
  releaseObjectUrl,
  releaseRecord,
} from './history';

/** The environment's recorded releases, oldest first (none recorded yet: []), or the exit code of a failed read. */
export async function readHistory(ctx: EnvContext): Promise<ManagedRelease[] | number> {
  const call = catStorageCall(releaseHistoryUrl(ctx.env));
  const ran = await runGcloud(ctx, call);
  if (ran.interrupted !== undefined) return ran.code;
  if (!succeeded(ran)) {
    if (ran.error === undefined && NO_OBJECTS.test(ran.stderr)) return [];
    printError(ctx, `reading the release history: ${failureLine(call, ran)}`);
    return EXIT_FAILED;
  }
  const { releases, skipped } = parseHistory(ran.stdout);
  if (skipped > 0)
    ctx.deps.stderr.write(
      `note: ${skipped} of the objects in ${releaseHistoryUrl(ctx.env)} are not release records: skipped\n`,
    );
  return releases;
}

/**
 * Records a rolled release as a new object, from `<run>/release-record.json`. A failed write undoes nothing (the
 * release is rolled and serves): a warning names the call, why, and the command that records it by hand.
 */
export async function publishRelease(
  ctx: EnvContext,
  runDir: string,
  release: ManagedRelease,
): Promise<void> {
  const file = join(runDir, 'release-record.json');
  writeFileSync(file, releaseRecord(release));
  const call = copyToStorageCall(file, releaseObjectUrl(ctx.env, release));
  const ran = await runGcloud(ctx, call);
  if (succeeded(ran)) {
    ctx.deps.stdout.write(`release recorded: ${call.args[3]}\n`);
    return;
  }
  ctx.deps.stderr.write(
    `${ctx.errStyle.yellow('warning:')} ${release.image} is rolled and its check passed, but its record is not in the ` +
      `shared history (releases and rollback do not see it): ${failureLine(call, ran)}\n` +
      `  record it by hand (the same call, from this machine): ${commandLine(call.command, call.args)}\n`,
  );
}
