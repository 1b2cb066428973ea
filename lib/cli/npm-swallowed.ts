/**
 * `npm run pipeline stage --dry-run`, without `--`, gives `--dry-run` to npm: the command gets `stage` only and
 * would run for real. npm leaves one trace, the environment: `npm_config_dry_run=true`. This finds the options
 * npm took and says which command line passes them through. Pure: everything comes in as arguments.
 *
 * What cannot be seen (npm leaves no trace, and rewrites its own /proc cmdline to a title without options):
 * options npm itself defines with values it rejects (`--only check`) and short flags it drops (`-n`).
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
}

/** npm options with the same name as ours that npm records under another key. */
const NPM_OWN: Readonly<Record<string, { readonly key: string; readonly value: string }>> = {
  '--verbose': { key: 'npm_config_loglevel', value: 'verbose' },
};

const RUN_COMMANDS = new Set(['run', 'run-script', 'rum', 'urn']);

function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const own = NPM_OWN[name];
  if (own !== undefined) return env[own.key] === own.value ? 'true' : undefined;
  const value = env[`npm_config_${name.slice(2).replace(/-/g, '_')}`];
  return value === undefined || value === '' || value === 'false' ? undefined : value;
}

/** The options npm swallowed from `npm run <script> …`, or undefined when the command got everything. */
export function swallowedByNpm(
  env: Readonly<Record<string, string | undefined>>,
  ownArgv: readonly string[],
  options: CommandOptions,
): Swallowed | undefined {
  const script = env.npm_lifecycle_event;
  if (script === undefined || !RUN_COMMANDS.has(env.npm_command ?? '')) return undefined;
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
  return { flags, script, ...(certain ? { intended: [...ownArgv, ...flags] } : {}) };
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The refusal: what npm took, that nothing ran, and the command lines that pass everything through. */
export function swallowedMessage(s: Swallowed, bin?: string): string[] {
  const lines = [
    `error: npm took ${s.flags.join(' ')} for itself: without "--", npm reads the options after "npm run ${s.script}" as its own, and this command never saw them. Nothing was run.`,
  ];
  const npmLine = (args: string) => `npm run ${s.script} -- ${args}`;
  const args = s.intended === undefined ? '<the same arguments>' : s.intended.map(shellWord).join(' ');
  if (bin === undefined) return [...lines, `run instead:  ${npmLine(args)}`];
  return [
    ...lines,
    `run instead:  npx ${bin} ${args}`,
    `         or:  ${npmLine(args)}`,
    `(if npm_config_* is set on purpose, e.g. in .npmrc, run npx ${bin} …, which passes every option through)`,
  ];
}
