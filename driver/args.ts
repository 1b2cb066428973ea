/**
 * The command line: `[command] <env> [host] [options]`, `up` when no command is named; `lock status|release <env>`.
 * Parsed with util.parseArgs; every mistake is a UsageError (exit 2) that names what is allowed.
 */
import { parseArgs as parseTokens } from 'node:util';
import { unknownMessage } from '../lib/cli/suggest';
import { StepName, UP_STEPS, UpStepName } from './plan/steps';
import {
  ACCESSORY_ACTIONS,
  AccessoryAction,
  Command,
  COMMANDS,
  INVOCATION,
  LOCK_ACTIONS,
  OptionSpec,
  OPTIONS,
  OTHER_TOOLS_VERBS,
  UsageError,
} from './usage';

export { UsageError } from './usage';

// ParsedArgs has a field for each entry of OPTIONS (its `field`, or its name in camelCase), typed from the entry:
// a flag is a boolean, a value what its `parse` returns (the string given without one), undefined when not given.
type Options = typeof OPTIONS;
type Camel<S> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type Field<K, O> = O extends { field: infer F extends string } ? F : Camel<K>;
type Value<O> = O extends { parse: (...args: never[]) => infer T }
  ? T | undefined
  : O extends { value: string }
    ? string | undefined
    : boolean;
type OptionValues = { readonly [K in keyof Options as Field<K, Options[K]>]: Value<Options[K]> };
/** The commands an option applies to (its `commands` in OPTIONS). */
type CommandsOf<O> = O extends { readonly commands: readonly (infer C)[] } ? C : never;
/** The options `C` takes, typed as above; any other option was refused for it by parseArgs. */
type OptionValuesOf<C extends Command> = {
  readonly [
    K in keyof Options as C extends CommandsOf<Options[K]> ? Field<K, Options[K]> : never
  ]: Value<Options[K]>;
};

/** The words of the command line besides the options. */
interface Positionals {
  readonly environment?: string;
  /** `lock <action> <env>`. */
  readonly lockAction?: (typeof LOCK_ACTIONS)[number];
  /** The second positional: `env`/`ssh <env> [host]`, `rollback <env> [version]`. */
  readonly host?: string;
  readonly version?: string;
  /** `exec <env> -- <cmd...>`, `accessory <env> exec <name> -- <cmd...>`. */
  readonly execArgv: readonly string[];
  /** `accessory <env> <action> <name>`. */
  readonly accessory?: { readonly action: AccessoryAction; readonly name: string };
}

/** One command's parsed arguments: its own options only (`argsFor`), so a command cannot read another's. */
export type ArgsOf<C extends Command> = Positionals & { readonly command: C } & OptionValuesOf<C>;

/** The arguments as the shared code (context, runner, preflight) reads them: any command's. */
export interface ParsedArgs extends OptionValues, Positionals {
  readonly command: Command;
}

const SPECS: Readonly<Record<string, OptionSpec>> = OPTIONS;
/** `--dry-run`, `--from`, …: every long option. */
export const FLAGS = Object.keys(OPTIONS).map((o) => `--${o}`);
/** The second positional some commands take. */
const SECOND: Partial<Record<Command, 'host' | 'version'>> = {
  env: 'host',
  ssh: 'host',
  rollback: 'version',
};
/** The options as util.parseArgs takes them: which take a value, and the short forms. */
const NODE_OPTIONS = Object.fromEntries(
  Object.entries(SPECS).map(([name, o]) => [
    name,
    {
      type: o.value ? ('string' as const) : ('boolean' as const),
      ...(o.short ? { short: o.short } : {}),
    },
  ]),
);

/** The options given, checked one by one: known, with a value when they need one, given once. */
function readOptions(argv: readonly string[]): {
  positionals: string[];
  given: Map<string, string | true>;
} {
  const positionals: string[] = [];
  const given = new Map<string, string | true>();
  const { tokens } = parseTokens({
    args: [...argv],
    options: NODE_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(SPECS, token.name) ? SPECS[token.name] : undefined;
    const flag = `--${token.name}`;
    if (spec === undefined) throw new UsageError(unknownMessage('option', token.rawName, FLAGS));
    if (
      spec.value !== undefined &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))
    )
      throw new UsageError(`option ${flag} needs a value: ${flag} <${spec.value}>`);
    if (spec.value === undefined && token.value !== undefined)
      throw new UsageError(`option ${flag} takes no value (got "${token.rawName}=${token.value}")`);
    if (given.has(token.name)) throw new UsageError(`option ${flag} is given twice`);
    given.set(token.name, token.value ?? true);
  }
  return { positionals, given };
}

/** The command and its positional arguments. */
function readPositionals(
  positionals: string[],
  help: boolean,
): Pick<ParsedArgs, 'command' | 'lockAction' | 'environment' | 'host' | 'version' | 'accessory'> {
  let command: Command = 'up';
  if ((COMMANDS as readonly string[]).includes(positionals[0]))
    command = positionals.shift() as Command;
  else if (positionals.length > 1 && !help)
    throw new UsageError(unknownMessage('command', positionals[0], COMMANDS, OTHER_TOOLS_VERBS));
  let lockAction: ParsedArgs['lockAction'];
  if (command === 'lock' && !help) {
    const action = positionals.shift();
    if (!(LOCK_ACTIONS as readonly (string | undefined)[]).includes(action)) {
      throw new UsageError(
        `lock needs an action: ${INVOCATION} lock ${LOCK_ACTIONS.join('|')} <env> (got "${action ?? ''}")`,
      );
    }
    lockAction = action as ParsedArgs['lockAction'];
  }
  if (command === 'accessory' && !help) return { command, ...accessoryWords(positionals) };
  const [environment, second, ...extra] = positionals;
  const kind = SECOND[command];
  if (!help && (extra.length > 0 || (second !== undefined && kind === undefined))) {
    throw new UsageError(
      `unexpected argument "${kind !== undefined ? extra[0] : second}"; usage: ${INVOCATION} ${command} <env>${kind !== undefined ? ` [${kind}]` : ''}`,
    );
  }
  const host = kind === 'host' ? second : undefined;
  return {
    command,
    lockAction,
    environment,
    host,
    version: kind === 'version' ? second : undefined,
  };
}

/** An accessory's name: what Docker and the config allow (lowercase letters, digits, `.`, `_`, `-`). */
export const ACCESSORY_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/** `accessory <env> <action> <name>`: the three words, each checked. */
function accessoryWords(positionals: readonly string[]) {
  const [environment, action, name, extra] = positionals;
  const usage = `${INVOCATION} accessory <env> ${ACCESSORY_ACTIONS.join('|')} <name>`;
  if (!(ACCESSORY_ACTIONS as readonly (string | undefined)[]).includes(action))
    throw new UsageError(`accessory needs an action: ${usage} (got "${action ?? ''}")`);
  if (name === undefined || !ACCESSORY_NAME.test(name))
    throw new UsageError(
      `accessory ${action} needs an accessory's name (lowercase letters, digits, . _ -): ${usage} (got "${name ?? ''}")`,
    );
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"; usage: ${usage}`);
  return { environment, accessory: { action: action as AccessoryAction, name } };
}

/** `exec <env> -- <cmd>` and `accessory <env> exec <name> -- <cmd>`: the commands that take a `--` command. */
function takesCommand(command: Command, accessory: ParsedArgs['accessory']): boolean {
  return command === 'exec' || accessory?.action === 'exec';
}

/** A `--` command (execArgv, undefined without `--`) is for exec alone; every option must be one the command takes. */
function checkFits(
  command: Command,
  given: ReadonlyMap<string, unknown>,
  execArgv?: readonly string[],
  accessory?: ParsedArgs['accessory'],
): void {
  const exec = command === 'exec' ? 'exec <env> [--host <name>]' : 'accessory <env> exec <name>';
  if (takesCommand(command, accessory) && !execArgv?.length) {
    throw new UsageError(
      `${command === 'exec' ? 'exec' : 'accessory exec'} needs a command after "--": ${INVOCATION} ${exec} -- <command> [args]`,
    );
  }
  if (!takesCommand(command, accessory) && execArgv)
    throw new UsageError(
      `"--" and a command after it are for exec and accessory exec, not ${command}`,
    );
  checkAccessoryOptions(given, accessory);
  for (const name of given.keys()) {
    const { commands } = SPECS[name];
    if (!commands.includes(command)) {
      throw new UsageError(`option --${name} applies to ${commands.join(', ')}, not to ${command}`);
    }
  }
}

/** Of the accessory's options, --follow and --since are for logs, --dry-run for boot and reboot. */
function checkAccessoryOptions(
  given: ReadonlyMap<string, unknown>,
  accessory: ParsedArgs['accessory'],
): void {
  if (accessory === undefined) return;
  const fits: Readonly<Record<string, readonly AccessoryAction[]>> = {
    follow: ['logs'],
    since: ['logs'],
    'dry-run': ['boot', 'reboot'],
  };
  for (const name of given.keys()) {
    if (fits[name] !== undefined && !fits[name].includes(accessory.action))
      throw new UsageError(
        `option --${name} applies to accessory ${fits[name].join(', ')}, not to accessory ${accessory.action}`,
      );
  }
}

/** Every option's field: a flag true or false, a value parsed (checked) or undefined when not given. */
function optionValues(given: ReadonlyMap<string, string | true>, command: Command): OptionValues {
  const values = Object.entries(SPECS).map(([name, spec]) => {
    const field = spec.field ?? name.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
    const raw = given.get(name) ?? (spec.value === undefined ? false : undefined);
    return [
      field,
      typeof raw === 'string' && spec.parse ? spec.parse(raw, command, `--${name}`) : raw,
    ];
  });
  return Object.fromEntries(values) as OptionValues;
}

/** `--replace` changes the environment's plan: a run without the deploy step would drop it unseen. */
function checkReplace(values: OptionValues): void {
  if (values.replace === undefined) return;
  const { only, from } = values;
  const deploy = UP_STEPS.indexOf('deploy');
  if (
    (only !== undefined && only !== 'deploy') ||
    (from !== undefined && UP_STEPS.indexOf(from as UpStepName) > deploy)
  )
    throw new UsageError(
      `--replace needs the deploy step, which ${only !== undefined ? `--only ${only}` : `--from ${from}`} leaves out`,
    );
}

/** Parses argv (without node and the script). Environment and host names are checked later, against the config. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  // `exec <env> -- <cmd...>`: the words after the first `--` are the command, for exec alone.
  const dashes = argv.indexOf('--');
  const execArgv = dashes < 0 ? undefined : argv.slice(dashes + 1);
  const { positionals, given } = readOptions(dashes < 0 ? argv : argv.slice(0, dashes));
  const help = given.has('help');
  const words = readPositionals(positionals, help);
  if (!help) checkFits(words.command, given, execArgv, words.accessory);
  const values = optionValues(given, words.command);
  if (values.from !== undefined && values.only !== undefined)
    throw new UsageError('--from and --only exclude each other: pick one');
  if (values.savedPlan !== undefined && values.replace !== undefined)
    throw new UsageError(
      '--plan applies what was planned: give --replace to plan (plan <env> --replace <host>), not to up --plan',
    );
  checkReplace(values);
  if (values.onlyHost !== undefined && values.onlyHosts !== undefined)
    throw new UsageError('--host and --hosts exclude each other: --hosts a,b takes one or more');
  if (values.markdown && values.json)
    throw new UsageError('--markdown and --json exclude each other: pick one');
  if (values.skipImage && values.buildImage)
    throw new UsageError('--skip-image and --build-image exclude each other: pick one');
  return { ...words, ...values, execArgv: execArgv ?? [] };
}

function isFor<C extends Command>(args: ParsedArgs, command: C): args is ParsedArgs & ArgsOf<C> {
  return args.command === command;
}

/** The arguments as `command` takes them; asking for another command's is a bug of the driver. */
export function argsFor<C extends Command>(args: ParsedArgs, command: C): ArgsOf<C> {
  if (!isFor(args, command))
    throw new Error(`internal: the arguments of ${command} asked of a ${args.command} run`);
  return args;
}

/** The environment must be one the config defines. */
export function checkEnvironment(args: ParsedArgs, environments: readonly string[]): string {
  if (args.environment === undefined) {
    const usage =
      args.command === 'lock'
        ? `lock ${args.lockAction} `
        : args.command === 'up'
          ? ''
          : `${args.command} `;
    throw new UsageError(
      `${args.command} needs an environment: ${INVOCATION} ${usage}<env>` +
        `${SECOND[args.command] !== undefined ? ` [${SECOND[args.command]}]` : ''}; environments are: ${environments.join(', ')}`,
    );
  }
  const verb = args.environment.toLowerCase();
  if (!environments.includes(args.environment) && Object.hasOwn(OTHER_TOOLS_VERBS, verb)) {
    throw new UsageError(
      `"${args.environment}" is not an environment; here that is ${OTHER_TOOLS_VERBS[verb]}: ` +
        `${INVOCATION} ${OTHER_TOOLS_VERBS[verb]} <env>; environments are: ${environments.join(', ')}`,
    );
  }
  if (!environments.includes(args.environment)) {
    throw new UsageError(unknownMessage('environment', args.environment, environments));
  }
  return args.environment;
}

/** The command line again, from `step` (with --only after an --only run), and the options that matter to it. */
function againLine(
  args: ParsedArgs,
  environment: string,
  step: string | undefined,
  buildImage: boolean,
): string {
  const parts = [INVOCATION, args.command, environment];
  if (step !== undefined) parts.push(args.only !== undefined ? '--only' : '--from', step);
  if (buildImage && args.buildImage) parts.push('--build-image');
  if (args.skipImage) parts.push('--skip-image');
  if (args.checkTimeoutSeconds !== undefined)
    parts.push('--check-timeout', String(args.checkTimeoutSeconds));
  if (args.yes) parts.push('--yes');
  return parts.join(' ');
}

/** The command line as given, without --dry-run: to run it again once preflight's problems are fixed. */
export function rerunCommand(args: ParsedArgs, environment: string): string {
  return againLine(args, environment, args.from ?? args.only, true);
}

/** The line that resumes a run at `step`. */
export function resumeCommand(args: ParsedArgs, environment: string, step: StepName): string {
  return againLine(args, environment, step, false);
}
