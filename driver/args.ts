/**
 * The command line: `[command] <env> [host] [options]`, `up` when no command is named; `lock status|release <env>`.
 * Parsed with util.parseArgs; every mistake is a UsageError (exit 2) that names what is allowed.
 */
import { parseArgs as parseTokens } from 'node:util';
import { closest, unknownMessage } from '../lib/cli/suggest';
import { DESTROY_STEPS, StepName, UP_STEPS } from './plan/steps';
import { Command, COMMANDS, INVOCATION, LOCK_ACTIONS, NODE_OPTIONS, OPTIONS } from './usage';
import { checkExecArgv, SECOND, splitExec, valueOptions } from './args-values';

export { UsageError } from './args-error';
import { UsageError } from './args-error';

export interface ParsedArgs {
  readonly command: Command;
  readonly help: boolean;
  readonly environment?: string;
  /** `env <env> [host]`. */
  readonly host?: string;
  /** `lock <action> <env>`. */
  readonly lockAction?: (typeof LOCK_ACTIONS)[number];
  readonly dryRun: boolean;
  readonly from?: StepName;
  readonly only?: StepName;
  readonly skipImage: boolean;
  readonly buildImage: boolean;
  readonly yes: boolean;
  readonly verbose: boolean;
  readonly checkTimeoutSeconds?: number;
  readonly refresh: boolean;
  readonly unset: boolean;
  /** `plan --markdown`: the summary as a pull-request comment. */
  readonly markdown: boolean;
  /** `plan`/`status`/`drift --json`. */
  readonly json: boolean;
  /** `up`: apply the saved plans without asking (required without a terminal when something changes). */
  readonly autoApprove: boolean;
  /** `status --outputs-only`. */
  readonly outputsOnly: boolean;
  /** `up --local`: build the app image with the local Docker. */
  readonly local: boolean;
  /** `up --allow-dirty`: build from a working tree with uncommitted changes. */
  readonly allowDirty: boolean;
  /** `rollback <env> [version]`. */
  readonly version?: string;
  /** `logs`/`exec --host <name>`. */
  readonly onlyHost?: string;
  readonly follow: boolean;
  readonly since?: string;
  /** `prune --keep <n>`. */
  readonly keep?: number;
  /** `exec <env> -- <cmd...>`. */
  readonly execArgv: readonly string[];
}

/** The options given, checked one by one: known, with a value when they need one, given once. */
function readOptions(argv: readonly string[]): { positionals: string[]; seen: Map<string, string | true> } {
  const { tokens } = parseTokens({
    args: [...argv],
    options: NODE_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals: string[] = [];
  const seen = new Map<string, string | true>();
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = OPTIONS[token.name];
    const raw = token.rawName;
    if (spec === undefined) {
      throw new UsageError(
        unknownMessage(
          'option',
          raw,
          Object.keys(OPTIONS).map((o) => `--${o}`),
        ),
      );
    }
    const name = `--${token.name}`;
    if (
      spec.value !== undefined &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))
    ) {
      throw new UsageError(`option ${name} needs a value: ${name} <${spec.value}>`);
    }
    if (spec.value === undefined && token.value !== undefined) {
      throw new UsageError(`option ${name} takes no value (got "${raw}=${token.value}")`);
    }
    if (seen.has(name)) throw new UsageError(`option ${name} is given twice`);
    seen.set(name, token.value ?? true);
  }
  return { positionals, seen };
}

/** The command and its positional arguments. */
function readPositionals(positionals: string[], help: boolean) {
  let command: Command = 'up';
  if (positionals.length > 0 && (COMMANDS as readonly string[]).includes(positionals[0])) {
    command = positionals.shift() as Command;
  } else if (positionals.length > 1 && !help) {
    throw new UsageError(unknownMessage('command', positionals[0], COMMANDS));
  }
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
  const [environment, second, ...extra] = positionals;
  const kind = SECOND[command];
  if (!help && (extra.length > 0 || (second !== undefined && kind === undefined))) {
    throw new UsageError(
      `unexpected argument "${kind !== undefined ? extra[0] : second}"; usage: ${INVOCATION} ${command} <env>${kind !== undefined ? ` [${kind}]` : ''}`,
    );
  }
  return {
    command,
    lockAction,
    environment,
    host: kind === 'host' ? second : undefined,
    version: kind === 'version' ? second : undefined,
  };
}

function stepOption(seen: Map<string, string | true>, name: string, command: Command): StepName | undefined {
  const v = seen.get(name);
  if (typeof v !== 'string') return undefined;
  const allowed: readonly string[] = command === 'destroy' ? DESTROY_STEPS : UP_STEPS;
  if (!allowed.includes(v)) {
    const guess = closest(v, allowed);
    throw new UsageError(
      `unknown step "${v}" for ${name}${guess === undefined ? '' : ` (did you mean ${guess}?)`}; ` +
        `${command} steps are: ${allowed.join(', ')}`,
    );
  }
  return v as StepName;
}

function checkTimeout(seen: Map<string, string | true>): number | undefined {
  const timeout = seen.get('--check-timeout');
  if (typeof timeout !== 'string') return undefined;
  const seconds = Number(timeout);
  if (!/^\d+(\.\d+)?$/.test(timeout) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`--check-timeout must be a number of seconds from 1 to 3600 (got "${timeout}")`);
  }
  return seconds;
}

/** Parses argv (without node and the script). Environment and host names are checked later, against the config. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const { own, execArgv } = splitExec(argv);
  const { positionals, seen } = readOptions(own);
  const help = seen.has('--help');
  const { command, lockAction, environment, host, version } = readPositionals(positionals, help);
  checkExecArgv(command, execArgv, argv.includes('--'), help);
  for (const name of help ? [] : seen.keys()) {
    const spec = OPTIONS[name.slice(2)];
    if (!spec.commands.includes(command)) {
      throw new UsageError(`option ${name} applies to ${spec.commands.join(', ')}, not to ${command}`);
    }
  }
  const parsed: ParsedArgs = {
    ...{ command, help, environment, host, lockAction, dryRun: seen.has('--dry-run') },
    ...{ from: stepOption(seen, '--from', command), only: stepOption(seen, '--only', command) },
    ...{ skipImage: seen.has('--skip-image'), buildImage: seen.has('--build-image') },
    ...{ yes: seen.has('--yes'), verbose: seen.has('--verbose') },
    ...{ checkTimeoutSeconds: checkTimeout(seen), refresh: seen.has('--refresh'), unset: seen.has('--unset') },
    ...{ markdown: seen.has('--markdown'), json: seen.has('--json'), autoApprove: seen.has('--auto-approve') },
    ...{ outputsOnly: seen.has('--outputs-only'), local: seen.has('--local'), allowDirty: seen.has('--allow-dirty') },
    ...{ version, follow: seen.has('--follow'), execArgv, ...valueOptions(seen) },
  };
  if (parsed.from !== undefined && parsed.only !== undefined)
    throw new UsageError('--from and --only exclude each other: pick one');
  if (parsed.skipImage && parsed.buildImage)
    throw new UsageError('--skip-image and --build-image exclude each other: pick one');
  return parsed;
}

/** The environment must be one the config defines. */
export function checkEnvironment(args: ParsedArgs, environments: readonly string[]): string {
  if (args.environment === undefined) {
    const usage =
      args.command === 'lock' ? `lock ${args.lockAction} ` : args.command === 'up' ? '' : `${args.command} `;
    throw new UsageError(
      `${args.command} needs an environment: ${INVOCATION} ${usage}<env>` +
        `${SECOND[args.command] !== undefined ? ` [${SECOND[args.command]}]` : ''}; environments are: ${environments.join(', ')}`,
    );
  }
  if (!environments.includes(args.environment)) {
    throw new UsageError(unknownMessage('environment', args.environment, environments));
  }
  return args.environment;
}

/** The options of a command line that matter to a rerun or a resume. */
function keptOptions(args: ParsedArgs): string[] {
  const parts: string[] = [];
  if (args.command === 'up' && args.skipImage) parts.push('--skip-image');
  if (args.command === 'up' && args.checkTimeoutSeconds !== undefined)
    parts.push('--check-timeout', String(args.checkTimeoutSeconds));
  if (args.yes) parts.push('--yes');
  return parts;
}

/** The command line as given, without --dry-run: to run it again once preflight's problems are fixed. */
export function rerunCommand(args: ParsedArgs, environment: string): string {
  const parts = [INVOCATION, args.command, environment];
  if (args.from !== undefined) parts.push('--from', args.from);
  if (args.only !== undefined) parts.push('--only', args.only);
  if (args.buildImage) parts.push('--build-image');
  return [...parts, ...keptOptions(args)].join(' ');
}

/** The line that resumes a run at `step` (`--only` again after an --only run), keeping the options that matter. */
export function resumeCommand(args: ParsedArgs, environment: string, step: StepName): string {
  const parts = [INVOCATION, args.command, environment, args.only !== undefined ? '--only' : '--from', step];
  return [...parts, ...keptOptions(args)].join(' ');
}
