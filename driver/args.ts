/**
 * The command line: `[command] <env> [host] [options]`, `up` when no command is named.
 * Every mistake is a UsageError (exit 2) that names what is allowed.
 */
import { DESTROY_STEPS, StepName, UP_STEPS } from './steps';

export const COMMANDS = ['up', 'destroy', 'env', 'status'] as const;
export type Command = (typeof COMMANDS)[number];

/** How the README and the messages spell the driver's invocation. */
export const INVOCATION = 'npm run pipeline --';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  readonly command: Command;
  readonly help: boolean;
  readonly environment?: string;
  /** `env <env> [host]`. */
  readonly host?: string;
  readonly dryRun: boolean;
  readonly from?: StepName;
  readonly only?: StepName;
  readonly skipImage: boolean;
  readonly buildImage: boolean;
  readonly includeBackend: boolean;
  readonly yes: boolean;
  readonly verbose: boolean;
  readonly checkTimeoutSeconds?: number;
  readonly refresh: boolean;
  readonly unset: boolean;
}

interface OptionSpec {
  readonly value?: string;
  readonly commands: readonly Command[];
  readonly help: string;
}

/** Every option, which commands take it, and its help line (the single source of --help). */
export const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  '--dry-run': {
    commands: ['up', 'destroy'],
    help: 'print the plan (commands, arguments, cwd, added env, files written); run nothing',
  },
  '--from': {
    value: 'step',
    commands: ['up', 'destroy'],
    help: 'start at <step> (preflight still runs); continues in the last run folder',
  },
  '--only': {
    value: 'step',
    commands: ['up', 'destroy'],
    help: 'run only <step> (and preflight); continues in the last run folder',
  },
  '--skip-image': { commands: ['up'], help: "do not build the image: hosts boot from the family's latest image" },
  '--build-image': {
    commands: ['up'],
    help: "build the image even when the image's sources are unchanged",
  },
  '--check-timeout': {
    value: 'seconds',
    commands: ['up'],
    help: 'how long the check waits for every host to answer (default 120)',
  },
  '--include-backend': {
    commands: ['destroy'],
    help: "refused, with how to remove the state backend by hand (it holds every environment's state)",
  },
  '--yes': { commands: ['destroy'], help: 'do not ask before destroying (required when stdin is not a terminal)' },
  '--verbose': { commands: ['up', 'destroy'], help: "stream every step's output (it always goes to the step's log)" },
  '--refresh': {
    commands: ['env', 'status'],
    help: "read outputs with `cdktf output` instead of the last deploy's outputs file",
  },
  '--unset': { commands: ['env'], help: 'print the lines that undo `env`' },
  '--help': { commands: ['up', 'destroy', 'env', 'status'], help: 'this help' },
};

const ALIASES: Readonly<Record<string, string>> = {
  '-h': '--help',
  '-v': '--verbose',
  '-y': '--yes',
  '-n': '--dry-run',
};

export function helpText(environments: readonly string[]): string {
  const opts = Object.entries(OPTIONS)
    .map(([name, spec]) => {
      const alias = Object.entries(ALIASES).find(([, long]) => long === name)?.[0];
      const left = `${alias ? `${alias}, ` : '    '}${name}${spec.value ? ` <${spec.value}>` : ''}`;
      return `  ${left.padEnd(30)} ${spec.help}`;
    })
    .join('\n');
  return `Deploy a fleet of Docker hosts on Google Cloud and the app on them, in one command.

usage: ${INVOCATION} [command] <env> [options]

commands:
  up <env>                     (default) preflight, image, backend, <env>, inventory, hosts, check
  destroy <env>                destroy <env>'s stack (hosts, firewall); never the state backend (--include-backend says why)
  env <env> [host]             print shell lines pointing docker at a host: eval "$(${INVOCATION.replace('--', '-s --')} env stage)"
  status <env>                 the hosts, their addresses, and whether the app answers

environments: ${environments.join(', ')}
up steps:      ${UP_STEPS.join(', ')}
destroy steps: ${DESTROY_STEPS.join(', ')}

options:
${opts}

Each run writes .run/<env>/<timestamp>/ (generated files, outputs.json, inventory.yml, logs/NN-<step>.log).
Exit codes: 0 ok, 1 a step failed, 2 bad usage or config, 3 another run holds the lock, 130 interrupted.
`;
}

function stepList(command: Command): readonly StepName[] {
  return command === 'destroy' ? DESTROY_STEPS : UP_STEPS;
}

/** Parses argv (without node and the script). Environment and host names are checked later, against the config. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const seen = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!raw.startsWith('-') || raw === '-') {
      positionals.push(raw);
      continue;
    }
    const eq = raw.indexOf('=');
    const name = ALIASES[raw] ?? (eq > 0 ? raw.slice(0, eq) : raw);
    const spec = OPTIONS[name];
    if (spec === undefined) {
      throw new UsageError(`unknown option "${raw}"; options are: ${Object.keys(OPTIONS).join(', ')}`);
    }
    let value: string | true = true;
    if (spec.value !== undefined) {
      if (eq > 0) value = raw.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('-')) value = argv[++i];
      else throw new UsageError(`option ${name} needs a value: ${name} <${spec.value}>`);
    } else if (eq > 0) {
      throw new UsageError(`option ${name} takes no value (got "${raw}")`);
    }
    if (seen.has(name)) throw new UsageError(`option ${name} is given twice`);
    seen.set(name, value);
  }

  const help = seen.has('--help');
  let command: Command = 'up';
  if (positionals.length > 0 && (COMMANDS as readonly string[]).includes(positionals[0])) {
    command = positionals.shift() as Command;
  } else if (positionals.length > 1 && !help) {
    throw new UsageError(`unknown command "${positionals[0]}"; commands are: ${COMMANDS.join(', ')}`);
  }
  const [environment, host, ...extra] = positionals;
  if (!help) {
    if (extra.length > 0 || (host !== undefined && command !== 'env')) {
      throw new UsageError(
        `unexpected argument "${command === 'env' ? extra[0] : host}"; usage: ${INVOCATION} ${command} <env>${command === 'env' ? ' [host]' : ''}`,
      );
    }
    for (const name of seen.keys()) {
      const spec = OPTIONS[name];
      if (!spec.commands.includes(command)) {
        throw new UsageError(`option ${name} applies to ${spec.commands.join(', ')}, not to ${command}`);
      }
    }
  }

  const str = (name: string): string | undefined => {
    const v = seen.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const step = (name: string): StepName | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    const allowed = stepList(command);
    if (!(allowed as readonly string[]).includes(v)) {
      throw new UsageError(`unknown step "${v}" for ${name}; ${command} steps are: ${allowed.join(', ')}`);
    }
    return v as StepName;
  };
  let checkTimeoutSeconds: number | undefined;
  const timeout = str('--check-timeout');
  if (timeout !== undefined) {
    checkTimeoutSeconds = Number(timeout);
    if (!/^\d+(\.\d+)?$/.test(timeout) || checkTimeoutSeconds <= 0 || checkTimeoutSeconds > 3600) {
      throw new UsageError(`--check-timeout must be a number of seconds from 1 to 3600 (got "${timeout}")`);
    }
  }
  const parsed: ParsedArgs = {
    command,
    help,
    environment,
    host,
    dryRun: seen.has('--dry-run'),
    from: step('--from'),
    only: step('--only'),
    skipImage: seen.has('--skip-image'),
    buildImage: seen.has('--build-image'),
    includeBackend: seen.has('--include-backend'),
    yes: seen.has('--yes'),
    verbose: seen.has('--verbose'),
    checkTimeoutSeconds,
    refresh: seen.has('--refresh'),
    unset: seen.has('--unset'),
  };
  if (parsed.from !== undefined && parsed.only !== undefined)
    throw new UsageError('--from and --only exclude each other: pick one');
  if (parsed.skipImage && parsed.buildImage)
    throw new UsageError('--skip-image and --build-image exclude each other: pick one');
  if (parsed.only === 'destroy-backend' && !parsed.includeBackend) {
    throw new UsageError(
      "--only destroy-backend needs --include-backend too: the backend holds every environment's state",
    );
  }
  return parsed;
}

/** The environment must be one the config defines. */
export function checkEnvironment(args: ParsedArgs, environments: readonly string[]): string {
  if (args.environment === undefined) {
    throw new UsageError(
      `${args.command} needs an environment: ${INVOCATION} ${args.command === 'up' ? '' : `${args.command} `}<env>` +
        `${args.command === 'env' ? ' [host]' : ''}; environments are: ${environments.join(', ')}`,
    );
  }
  if (!environments.includes(args.environment)) {
    throw new UsageError(`unknown environment "${args.environment}"; environments are: ${environments.join(', ')}`);
  }
  return args.environment;
}

/** The command line as given, without --dry-run: to run it again once preflight's problems are fixed. */
export function rerunCommand(args: ParsedArgs, environment: string): string {
  const parts = [INVOCATION, args.command, environment];
  if (args.from !== undefined) parts.push('--from', args.from);
  if (args.only !== undefined) parts.push('--only', args.only);
  if (args.skipImage) parts.push('--skip-image');
  if (args.buildImage) parts.push('--build-image');
  if (args.checkTimeoutSeconds !== undefined) parts.push('--check-timeout', String(args.checkTimeoutSeconds));
  if (args.includeBackend) parts.push('--include-backend');
  if (args.yes) parts.push('--yes');
  return parts.join(' ');
}

/** The line that resumes a run at `step` (`--only` again after an --only run), keeping the options that matter. */
export function resumeCommand(args: ParsedArgs, environment: string, step: StepName): string {
  const parts = [INVOCATION, args.command, environment, args.only !== undefined ? '--only' : '--from', step];
  if (args.command === 'up' && args.skipImage) parts.push('--skip-image');
  if (args.command === 'up' && args.checkTimeoutSeconds !== undefined)
    parts.push('--check-timeout', String(args.checkTimeoutSeconds));
  if (args.includeBackend) parts.push('--include-backend');
  if (args.yes) parts.push('--yes');
  return parts.join(' ');
}
