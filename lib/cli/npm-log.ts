/**
 * What npm was given, from npm's own debug log. `npm run pipeline stage --only check -n` passes `stage` alone and
 * leaves no trace in the environment (npm rejects `--only check`, and `-n` is npm's `--no-yes`), but npm writes its
 * full command line to `<logs-dir>/<start time>-debug-0.log` before it starts the script:
 *
 *   9 verbose title npm run pipeline stage
 *   10 verbose argv "run" "pipeline" "stage" "--only" "check" "--no-yes"
 *
 * The title is npm's command and what the script received, so the log of the npm that started this process is the
 * newest one, started shortly before this process, whose title ends with this process's arguments.
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { CommandOptions, Swallowed, swallowedByNpm } from './npm-swallowed';

/** How long before this process npm may have started (it resolves the script, runs `sh -c`, then node). */
const START_SLACK_MS = 60_000;
/** The title and argv lines are among the first 20 lines of the log. */
const HEAD_BYTES = 8192;

/** `2026-12-06T19_54_22_342Z-debug-0.log` → its time in ms, or undefined for another file. */
function logTime(name: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d)_(\d\d)_(\d\d)_(\d{3})Z-debug-\d+\.log$/.exec(name);
  return m === null ? undefined : Date.parse(`${m[1]}:${m[2]}:${m[3]}.${m[4]}Z`);
}

function readHead(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    return buffer.toString('utf8', 0, readSync(fd, buffer, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** The `verbose argv` tokens of a log whose `verbose title` ends with `npm <command> <script> <ownArgv>`. */
export function loggedArgv(text: string, script: string, ownArgv: readonly string[]): string[] | undefined {
  const title = /^\d+ verbose title (.*)$/m.exec(text)?.[1];
  const argv = /^\d+ verbose argv (.*)$/m.exec(text)?.[1];
  if (title === undefined || argv === undefined) return undefined;
  if (!title.startsWith('npm ') || !title.endsWith([script, ...ownArgv].join(' '))) return undefined;
  try {
    return (argv.match(/"(?:[^"\\]|\\.)*"/g) ?? []).map((token) => JSON.parse(token) as string);
  } catch {
    return undefined;
  }
}

/**
 * npm's command line as it logged it (`["run", "pipeline", "stage", "--only", "check"]`), when this process was
 * started by `npm run <script>` with logging on; undefined otherwise. `startedAt`: this process's start, in ms.
 */
export function npmLoggedArgv(
  env: Readonly<Record<string, string | undefined>>,
  ownArgv: readonly string[],
  startedAt: number,
): string[] | undefined {
  const script = env.npm_lifecycle_event;
  const dir = env.npm_config_logs_dir || (env.npm_config_cache && join(env.npm_config_cache, '_logs'));
  if (script === undefined || !dir) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const candidates = names
    .map((name) => ({ name, time: logTime(name) }))
    .filter((c): c is { name: string; time: number } => c.time !== undefined && c.time >= startedAt - START_SLACK_MS)
    .sort((a, b) => b.time - a.time);
  for (const { name } of candidates) {
    let text: string;
    try {
      text = readHead(join(dir, name));
    } catch {
      continue;
    }
    const argv = loggedArgv(text, script, ownArgv);
    if (argv !== undefined) return argv;
  }
  return undefined;
}

/** The options npm took from `npm run <script> …` (its log first, else its npm_config_* variables), for this process. */
export function takenByNpm(
  env: Readonly<Record<string, string | undefined>>,
  ownArgv: readonly string[],
  options: CommandOptions,
): Swallowed | undefined {
  const startedAt = Date.now() - process.uptime() * 1000;
  return swallowedByNpm(env, ownArgv, options, npmLoggedArgv(env, ownArgv, startedAt));
}
