/**
 * `npm run pipeline stage --dry-run`, without `--`, gives `--dry-run` to npm: the command gets `stage` only and
 * would run for real. This finds the options npm took and says which command line passes them through. Pure:
 * everything comes in as arguments.
 *
 * npm leaves two traces. Its debug log (lib/cli/npm-log.ts) has its whole command line: every option after the
 * script name and before `--` was npm's, whatever it was (`--only check`, which npm rejects, `-n`, which it reads
 * as `--no-yes`). Without a log (`--logs-max 0`), the environment: `npm_config_dry_run=true`, for our options whose
 * names npm does not reject.
 */

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

function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const own = NPM_OWN[name];
  if (own !== undefined) return env[own.key] === own.value ? 'true' : undefined;
  const value = env[`npm_config_${name.slice(2).replace(/-/g, '_')}`];
  return value === undefined || value === '' || value === 'false' ? undefined : value;
}

/** The options npm took, from its logged argv: what came after the script name and before `--`. */
function fromLog(logged: readonly string[], script: string, ownArgv: readonly string[]): Swallowed | undefined {
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
  const args = s.intended === undefined ? '<the same arguments>' : s.intended.map(shellWord).join(' ');
  const npmLine = `npm run ${s.script} -- ${args}`;
  const use = bin === undefined ? npmLine : `npx ${bin} ${args} (or ${npmLine})`;
  const npmrc = s.source === 'env' ? ' (if npm_config_* is set on purpose, e.g. in .npmrc, use npx)' : '';
  return `error: npm took ${s.flags.join(', ')} for itself (without "--" the options after "npm run ${s.script}" are npm's), so nothing was run: use ${use}${npmrc}`;
}
