/**
 * What the command line can ask about the driver itself, answered before anything else: `help [command]`,
 * `<command> --help` (its arguments, options, exit codes and an example), `--version`, and the usage when run bare.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unknownMessage } from '../lib/cli/suggest';
import { EXIT_OK, EXIT_USAGE } from '../lib/exit-codes';
import {
  ACCESSORY_ACTIONS,
  Command,
  COMMAND_TABLE,
  commandHelpLine,
  COMMANDS,
  helpText,
  INVOCATION,
  QUIET_INVOCATION,
  optionHelpLine,
  OPTIONS,
  OTHER_TOOLS_VERBS,
} from './usage';

export interface HelpAnswer {
  readonly text: string;
  readonly code: number;
  /** The usage of a bare or mistaken call goes to stderr; asked-for help to stdout. */
  readonly stream: 'stdout' | 'stderr';
}

const ALWAYS =
  '0 ok, 1 failed (a step, a tool, the outputs, a login or placeholder), 2 bad usage or config';
const INTERRUPTED = '130 interrupted (143 SIGTERM, 129 SIGHUP)';
const LOCKED = '3 a lock is held (the lock message names its holder)';

/** Each command's exit codes beyond 0, 1, 2 and the interrupted ones. */
const EXITS: Readonly<Record<Command, readonly string[]>> = {
  up: [
    LOCKED,
    '4 changes not approved (answered no, or no terminal and no --auto-approve)',
    '5 --plan: the saved plans are stale (config, state or tools changed): plan again',
  ],
  destroy: [LOCKED, '4 not confirmed (the name not typed, or no terminal and no --yes)'],
  plan: [LOCKED, 'with --detailed-exitcode: 0 no changes, 2 changes, 1 anything else'],
  env: [LOCKED],
  status: [LOCKED, '6 a host unreachable or its app not answering'],
  drift: [LOCKED, '6 a host could not be checked', '7 drift found (every host checked)'],
  lock: [LOCKED],
  releases: [LOCKED, '6 a host could not be read'],
  rollback: [LOCKED],
  logs: [LOCKED],
  exec: [LOCKED],
  ssh: [LOCKED],
  prune: [LOCKED],
  accessory: [LOCKED, '6 the accessory runs on no host (restart, logs, exec; details: on none)'],
  build: [LOCKED],
  push: [LOCKED],
  config: [],
  validate: [LOCKED],
  output: [LOCKED],
};

/** One example per command; `<env>` is the first configured environment. */
const EXAMPLES: Readonly<Record<Command, string>> = {
  up: `${INVOCATION} up <env> --dry-run`,
  destroy: `${INVOCATION} destroy <env>`,
  plan: `${INVOCATION} plan <env> --markdown`,
  env: `eval "$(${QUIET_INVOCATION} env <env>)"`,
  status: `${INVOCATION} status <env> --json`,
  drift: `${INVOCATION} drift <env>`,
  lock: `${INVOCATION} lock status <env>`,
  releases: `${INVOCATION} releases <env>`,
  rollback: `${INVOCATION} rollback <env>`,
  logs: `${INVOCATION} logs <env> --host docker-host-001 -f --since 10m`,
  exec: `${INVOCATION} exec <env> -- env`,
  ssh: `${INVOCATION} ssh <env> docker-host-001`,
  prune: `${INVOCATION} prune <env> --keep 5`,
  accessory: `${INVOCATION} accessory <env> logs db -f --since 10m`,
  build: `${INVOCATION} build <env> --dry-run`,
  push: `${INVOCATION} push <env> --local`,
  config: `${INVOCATION} config <env> --json`,
  validate: `${INVOCATION} validate <env>`,
  output: `${INVOCATION} output <env> --json`,
};

/** The arguments a command takes beyond `<env>`, as `help <command>` lists them. */
const MORE_ARGUMENTS: Partial<Record<Command, readonly string[]>> = {
  accessory: [
    `<action>  ${ACCESSORY_ACTIONS.join(', ')} (boot, reboot: the accessory playbook, --dry-run; logs: -f, --since; exec: -- <cmd>)`,
    "<name>  the accessory's name (the container's; the config's accessories)",
  ],
};

/** `help <command>`: what it does, its arguments and options, its exit codes, an example. */
export function commandHelp(command: Command, environments: readonly string[]): string {
  const [usage, text] = COMMAND_TABLE[command];
  const options = (Object.keys(OPTIONS) as (keyof typeof OPTIONS)[]).filter((name) =>
    (OPTIONS[name].commands as readonly Command[]).includes(command),
  );
  const exits = [ALWAYS, ...EXITS[command], INTERRUPTED].join(', ');
  return `usage: ${INVOCATION} ${command} ${usage} [options]

${text}

arguments:
  <env>  one of: ${environments.join(', ')}
${(MORE_ARGUMENTS[command] ?? []).map((line) => `  ${line}\n`).join('')}
options:
${options.map(optionHelpLine).join('\n')}

exit codes: ${exits}
example: ${EXAMPLES[command].replace('<env>', environments[0] ?? 'stage')}
`;
}

/** The usage of a bare call: the commands, the environments, where help is. */
function bareUsage(environments: readonly string[]): string {
  return `usage: ${INVOCATION} <command> <env> [options]   (the command defaults to up)

commands:
${COMMANDS.map(commandHelpLine).join('\n')}

environments: ${environments.join(', ')}
help: ${INVOCATION} help [command], ${INVOCATION} <command> --help; version: ${INVOCATION} --version
`;
}

function version(root: string): string {
  const { name, version: v } = JSON.parse(
    readFileSync(join(root, 'package.json'), 'utf8'),
  ) as Record<string, string>;
  return `${name} ${v}\n`;
}

/** The answer when argv asks about the driver rather than for a command to run; undefined otherwise. */
export function helpAnswer(
  argv: readonly string[],
  environments: readonly string[],
  root: string,
): HelpAnswer | undefined {
  if (argv.length === 0)
    return { text: bareUsage(environments), code: EXIT_USAGE, stream: 'stderr' };
  const words = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (words.includes('--version')) return { text: version(root), code: EXIT_OK, stream: 'stdout' };
  const named = words.find((w): w is Command => (COMMANDS as readonly string[]).includes(w));
  if (words[0] === 'help') {
    const topic = words[1];
    if (topic === undefined)
      return { text: helpText(environments), code: EXIT_OK, stream: 'stdout' };
    if (named === topic)
      return { text: commandHelp(named, environments), code: EXIT_OK, stream: 'stdout' };
    return {
      text: `error: ${unknownMessage('command', topic, COMMANDS, OTHER_TOOLS_VERBS)}\n`,
      code: EXIT_USAGE,
      stream: 'stderr',
    };
  }
  if (!words.includes('--help') && !words.includes('-h')) return undefined;
  const text = named === undefined ? helpText(environments) : commandHelp(named, environments);
  return { text, code: EXIT_OK, stream: 'stdout' };
}
