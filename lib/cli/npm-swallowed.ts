/**
 * `npm run pipeline stage --dry-run`, without `--`, gives `--dry-run` to npm: the command gets `stage` only and
 * would run for real. This finds the options npm took and says which command line passes them through
 * (`swallowedByNpm` is pure: everything comes in as arguments; `takenByNpm` reads npm's log).
 *
 * npm leaves two traces. Its debug log (`npmLoggedArgv` below) has its whole command line: every option after the
 * script name and before `--` was npm's, whatever it was (`--only check`, which npm rejects, `-n`, which it reads
 * as `--no-yes`). Without a log (`--logs-max 0`), the environment: `npm_config_dry_run=true`, for our options whose
 * names npm does not reject.
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

export interface CommandOptions {
  /** Long options, e.g. `--dry-run`. */
  readonly long: readonly string[];
  /** The long options that take a value (`--from <step>`). */
  readonly valued?: readonly string[];
}

export interface Swallowed {
  /** The options npm took: `--dry-run`, `--from=deploy`, or `--from` when its value became an argument. */
  readonly flags: readonly string[];
  /** The arguments to pass, in order, when they can be told for sure. */
  readonly intended?: readonly string[];
  /** The npm script name: `pipeline`. */
  readonly script: string;
  /** Seen in npm's log (certain), or in npm_config_* (which an .npmrc can set too). */
  readonly source: 'log' | 'env';
}

/** npm options with the same name as ours that npm records under another key. */
const NPM_OWN: Readonly<Record<string, { readonly key: string; readonly value: string }>> = {
  '--verbose': { key: 'npm_config_loglevel', value: 'verbose' },
};

/** How npm logs the short options it expands, as they were typed. */
const NPM_EXPANDED: Readonly<Record<string, string>> = { '--no-yes': '-n' };

const RUN_COMMANDS = new Set(['run', 'run-script', 'rum', 'urn']);

function envValue(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const own = NPM_OWN[name];
  if (own !== undefined) return env[own.key] === own.value ? 'true' : undefined;
  const value = env[`npm_config_${name.slice(2).replace(/-/g, '_')}`];
  return value === undefined || value === '' || value === 'false' ? undefined : value;
}

/** The options npm took, from its logged argv: what came after the script name and before `--`. */
function fromLog(
  logged: readonly string[],
  script: string,
  ownArgv: readonly string[],
): Swallowed | undefined {
  const rest = logged.slice(logged.indexOf(script, 1) + 1);
  const dashes = rest.includes('--') ? rest.indexOf('--') : rest.length;
  const after = rest.slice(dashes + 1);
  const delivered = ownArgv.slice(0, ownArgv.length - after.length);
  const flags: string[] = [];
  const typed: string[] = [];
  let certain = true;
  for (let i = 0, next = 0; i < dashes; i++) {
    const token = rest[i];
    if (token === '--loglevel') {
      // npm's own -s/-q/-d are fine; `--verbose` was meant for the command.
      if (rest[++i] === 'verbose') {
        flags.push('--verbose');
        typed.push('--verbose');
      }
    } else if (token.startsWith('-') && token !== '-') {
      const word = NPM_EXPANDED[token] ?? token;
      // npm's -f is --force: the user may have meant --force (lock) or -f (logs --follow).
      if (token === '--force') certain = false;
      flags.push(word);
      typed.push(word);
    } else if (delivered[next] === token) {
      next++;
      typed.push(token);
    } else if (flags.length > 0) {
      // A value npm took with the option before it (`--only check`).
      flags[flags.length - 1] += ` ${token}`;
      typed.push(token);
    }
  }
  if (flags.length === 0) return undefined;
  return { flags, script, source: 'log', ...(certain ? { intended: [...typed, ...after] } : {}) };
}

/**
 * The options npm swallowed from `npm run <script> …`, or undefined when the command got everything.
 * `logged`: npm's command line from its debug log (npmLoggedArgv), when there is one.
 */
export function swallowedByNpm(
  env: Readonly<Record<string, string | undefined>>,
  ownArgv: readonly string[],
  options: CommandOptions,
  logged?: readonly string[],
): Swallowed | undefined {
  const script = env.npm_lifecycle_event;
  if (script === undefined || !RUN_COMMANDS.has(env.npm_command ?? '')) return undefined;
  if (logged !== undefined && logged.includes(script)) return fromLog(logged, script, ownArgv);
  const received = new Set(ownArgv.map((a) => (a.includes('=') ? a.slice(0, a.indexOf('=')) : a)));
  let certain = true;
  const flags = options.long.flatMap((name) => {
    const value = envValue(env, name);
    if (value === undefined || received.has(name)) return [];
    if (value !== 'true') return [`${name}=${value}`];
    // `--from deploy`: npm took --from as a flag and passed "deploy" on as an argument.
    if (options.valued?.includes(name)) certain = false;
    return [name];
  });
  if (flags.length === 0) return undefined;
  return { flags, script, source: 'env', ...(certain ? { intended: [...ownArgv, ...flags] } : {}) };
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * The refusal, one line: what npm took, that nothing ran, and the command lines that pass everything through
 * (`npx <bin>` first when the command has one).
 */
export function swallowedMessage(s: Swallowed, bin?: string): string {
  const args =
    s.intended === undefined ? '<the same arguments>' : s.intended.map(shellWord).join(' ');
  const npmLine = `npm run ${s.script} -- ${args}`;
  const use = bin === undefined ? npmLine : `npx ${bin} ${args} (or ${npmLine})`;
  const npmrc =
    s.source === 'env' ? ' (if npm_config_* is set on purpose, e.g. in .npmrc, use npx)' : '';
  return `error: npm took ${s.flags.join(', ')} for itself (without "--" the options after "npm run ${s.script}" are npm's), so nothing was run: use ${use}${npmrc}`;
}

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
export function loggedArgv(
  text: string,
  script: string,
  ownArgv: readonly string[],
): string[] | undefined {
  const title = /^\d+ verbose title (.*)$/m.exec(text)?.[1];
  const argv = /^\d+ verbose argv (.*)$/m.exec(text)?.[1];
  if (title === undefined || argv === undefined) return undefined;
  if (!title.startsWith('npm ') || !title.endsWith([script, ...ownArgv].join(' ')))
    return undefined;
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
  const dir =
    env.npm_config_logs_dir || (env.npm_config_cache && join(env.npm_config_cache, '_logs'));
  if (script === undefined || !dir) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const candidates = names
    .map((name) => ({ name, time: logTime(name) }))
    .filter(
      (c): c is { name: string; time: number } =>
        c.time !== undefined && c.time >= startedAt - START_SLACK_MS,
    )
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
