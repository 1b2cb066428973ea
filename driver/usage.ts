/** What the command line may say: the commands, every option (which commands take it, its check) and --help. */
import { closest } from '../lib/cli/suggest';
import { DESTROY_STEPS, StepName, UP_STEPS } from './plan/steps';

export const LOCK_ACTIONS = ['status', 'release', 'acquire'] as const;
/** `accessory <env> <action> <name>`, Kamal's accessory verbs. */
export const ACCESSORY_ACTIONS = ['boot', 'reboot', 'restart', 'logs', 'exec', 'details'] as const;
export type AccessoryAction = (typeof ACCESSORY_ACTIONS)[number];

/**
 * How the messages spell the driver's invocation: the way the user started it. `npx docker-hosts` (package.json
 * `bin`, which no npm option parser stands in front of: the form the README uses), or under `npm run pipeline` the
 * alias `npm run pipeline --` (the `--` is needed).
 */
export function invocationOf(env: Readonly<Record<string, string | undefined>>): string {
  const npmRun =
    env.npm_lifecycle_event === 'pipeline' && ['run', 'run-script'].includes(env.npm_command ?? '');
  return npmRun ? 'npm run pipeline --' : 'npx docker-hosts';
}

/** This process's invocation (the messages are its user's). */
export const INVOCATION = invocationOf(process.env);

/** The invocation whose stdout is only the command's: npm's banner silenced (`eval "$(… env stage)"`). */
export const QUIET_INVOCATION = INVOCATION.replace(' run ', ' run -s ');

/** Every command, its arguments and what it does: --help's commands section, one line a command as it prints. */
// prettier-ignore
export const COMMAND_TABLE = {
  up: ['<env>', '(default) plan and ask, then preflight, image, backend, registry, <env>, inventory, hosts, check'],
  destroy: ['<env>', "destroy <env>'s stack (hosts, firewall); never the state backend or the registry"],
  plan: ['<env>', 'what up would change in every stack it touches (terraform plan, saved); applies nothing'],
  env: ['<env> [host]', `print shell lines pointing docker at a host: eval "$(${QUIET_INVOCATION} env stage)"`],
  status: ['<env> [--json]', 'one row per host over SSH: OS, Docker, app image/release/state, updates, reboot, disk'],
  drift: ['<env> [--json]', 'site.yml in check mode: per host, what differs from the code; changes nothing'],
  lock: ['status|release|acquire <env>', "who holds <env>'s lock; remove a lock its run left behind; hold it by hand (-m why)"],
  releases: ['<env> [--json]', "every host's release records (a managed group: what it runs, the shared history)"],
  rollback: ['<env> [version]', 'redeploy the previous (or named: commit, digest) release (a managed group: planned)'],
  logs: ['<env> [--host h] [-f]', "the app container's logs over SSH (--since 10m)"],
  exec: ['<env> [--host h] -- <cmd>', 'run <cmd> in the app container on each host (one after the other)'],
  ssh: ['<env> [host]', 'an SSH session on a host (default the first), the way Ansible connects'],
  prune: ['<env> [--keep n]', 'remove stopped containers and images beyond the kept releases on every host'],
  accessory: ['<env> <action> <name>', 'an accessory: boot, reboot (anew), restart, logs, exec -- <cmd>, details (where, how)'],
  build: ['<env>', "build the app image (app.build) where its tag is missing and push it; deploys nothing (= up --only build)"],
  push: ['<env>', 'the same as build (the image is pushed where it is built): for those who type push'],
  config: ['<env> [--json]', "the environment's resolved config (every default filled in); build-arg values never shown"],
  validate: ['<env>', 'synth (with the policies), then terraform validate of each stack <env> touches; no Google access'],
  output: ['<env> [--json]', "<env>'s stack outputs (hosts, addresses, URLs): the last deploy's, or read afresh"],
} as const;
export type Command = keyof typeof COMMAND_TABLE;
export const COMMANDS = Object.keys(COMMAND_TABLE) as readonly Command[];

/** Other tools' verbs (Terraform, Kamal, docker compose, Heroku) and the command that does the same here. */
// prettier-ignore
export const OTHER_TOOLS_VERBS: Readonly<Record<string, Command>> = {
  deploy: 'up', apply: 'up', provision: 'up', setup: 'up', create: 'up', install: 'up',
  down: 'destroy', delete: 'destroy', remove: 'destroy', teardown: 'destroy',
  show: 'status', ps: 'status', info: 'status', details: 'status',
  diff: 'drift', check: 'drift', log: 'logs', shell: 'ssh', run: 'exec', unlock: 'lock',
  accessories: 'accessory',
  history: 'releases', revert: 'rollback', undo: 'rollback', cleanup: 'prune', clean: 'prune',
};

/** A mistake on the command line: exit 2, one line naming what is allowed. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--from`/`--only <step>`: one of the command's steps. */
function step(value: string, command: Command, flag: string): StepName {
  const allowed: readonly string[] = command === 'destroy' ? DESTROY_STEPS : UP_STEPS;
  if (allowed.includes(value)) return value as StepName;
  const guess = closest(value, allowed);
  throw new UsageError(
    `unknown step "${value}" for ${flag}${guess === undefined ? '' : ` (did you mean ${guess}?)`}; ` +
      `${command} steps are: ${allowed.join(', ')}`,
  );
}

/** `--check-timeout <seconds>`. */
function seconds(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v) && Number(v) >= 1 && Number(v) <= 3600) return Number(v);
  throw new UsageError(`--check-timeout must be a number of seconds from 1 to 3600 (got "${v}")`);
}

/** `--since <when>`: a duration or a time, as `docker logs --since` takes them. */
function since(v: string): string {
  if (/^(\d{1,6}[smh]|\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)?)?)$/.test(v)) return v;
  throw new UsageError(
    `--since must be a duration such as 10m, 2h or 30s, or a time such as 2026-01-31T10:00:00 (got "${v}")`,
  );
}

/** `--replace <host>`: a host name as the config names them (checked against the environment's hosts later). */
function hostName(v: string): string {
  if (/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)) return v;
  throw new UsageError(`--replace needs a host name such as docker-host-002 (got "${v}")`);
}

/** `--hosts a,b`: host names, each given once. */
function hostList(v: string): readonly string[] {
  const names = v.split(',').map((n) => n.trim());
  if (names.some((n) => n === ''))
    throw new UsageError(`--hosts takes names separated by commas, none empty (got "${v}")`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--hosts names ${twice} twice (got "${v}")`);
  return names;
}

/** `-m, --message <reason>`: why the lock is held, one printable line. */
function reason(v: string): string {
  const control = [...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (v.trim() !== '' && v.length <= 200 && !control) return v.trim();
  throw new UsageError('--message must be one line of 1 to 200 printable characters');
}

/** `--keep <n>`. */
function releases(v: string): number {
  if (/^([1-9]|[1-9]\d)$/.test(v)) return Number(v);
  throw new UsageError(`--keep must be a number of releases from 1 to 99 (got "${v}")`);
}

export interface OptionSpec {
  /** What --help calls the option's value (`--from <step>`); a flag has none, and is true when given. */
  readonly value?: string;
  readonly short?: string;
  readonly commands: readonly Command[];
  /** The value's check and type; the value as given without one. */
  readonly parse?: (value: string, command: Command, flag: string) => unknown;
  /** Its name in ParsedArgs when not the option's own in camelCase. */
  readonly field?: string;
}

// Literal tuples (`as const`): args.ts types each command's options from the commands each option lists.
const RUN = ['up', 'destroy'] as const satisfies readonly Command[];
/** The build step as a command of its own. */
const BUILD = ['build', 'push'] as const satisfies readonly Command[];
/** The commands that reach the hosts over SSH (through IAP when the environment's connectVia says so). */
const SSH = [
  'status',
  'drift',
  'releases',
  'rollback',
  'logs',
  'exec',
  'ssh',
  'prune',
  'accessory',
] as const satisfies readonly Command[];
export const SSH_COMMANDS: readonly Command[] = SSH;

/** Every option: its value's name in --help and check (none for a flag: true when given), short form, commands. */
export const OPTIONS = {
  'dry-run': { short: 'n', commands: [...RUN, ...BUILD, 'rollback', 'prune', 'accessory'] },
  from: { value: 'step', parse: step, commands: RUN },
  only: { value: 'step', parse: step, commands: RUN },
  'auto-approve': { commands: ['up', 'rollback'] },
  plan: { value: 'run folder', field: 'savedPlan', commands: ['up'] },
  replace: { value: 'host', parse: hostName, commands: ['up', 'plan'] },
  'detailed-exitcode': { commands: ['plan'] },
  local: { commands: ['up', ...BUILD] },
  'allow-dirty': { commands: ['up', ...BUILD] },
  'skip-image': { commands: ['up'] },
  'build-image': { commands: ['up'] },
  'check-timeout': {
    value: 'seconds',
    parse: seconds,
    field: 'checkTimeoutSeconds',
    commands: ['up'],
  },
  yes: { short: 'y', commands: ['destroy'] },
  force: { commands: ['lock'] },
  message: { short: 'm', value: 'reason', parse: reason, commands: ['lock'] },
  verbose: { short: 'v', commands: [...RUN, ...BUILD] },
  refresh: {
    commands: ['env', ...SSH, 'output'],
  },
  unset: { commands: ['env'] },
  markdown: { commands: ['plan'] },
  json: { commands: ['plan', 'status', 'drift', 'releases', 'config', 'output'] },
  host: { value: 'name', field: 'onlyHost', commands: ['logs', 'exec'] },
  hosts: { value: 'a,b', parse: hostList, field: 'onlyHosts', commands: ['logs', 'exec'] },
  follow: { short: 'f', commands: ['logs', 'accessory'] },
  since: { value: 'when', parse: since, commands: ['logs', 'accessory'] },
  keep: { value: 'n', parse: releases, commands: ['prune'] },
  'outputs-only': { commands: ['status'] },
  help: { short: 'h', commands: COMMANDS },
} as const satisfies Record<string, OptionSpec>;

/** Each option's text in --help. */
export const OPTION_HELP: Readonly<Record<keyof typeof OPTIONS, string>> = {
  'dry-run':
    'print the plan (commands, arguments, cwd, added env, files written); run nothing, take no lock',
  from: 'start at <step> (preflight still runs); continues in the last run folder',
  only: 'run only <step> (and preflight); continues in the last run folder',
  'auto-approve':
    'apply the saved plans without asking (needed without a terminal when something changes)',
  plan: 'apply the plans `plan <env>` saved in <run folder>, once they still match (config, state, tools)',
  replace:
    "replace <host>'s instance (terraform -replace): a new boot disk; up asks for the environment's name",
  'detailed-exitcode':
    'exit 0 no changes, 2 changes, 1 error (for CI, as terraform plan -detailed-exitcode)',
  local: 'build the app image (app.build) with the local Docker, not on the first host',
  'allow-dirty':
    'build the app image from a working tree with uncommitted changes (tagged <commit>-dirty)',
  'skip-image': "do not build the image: hosts boot from the family's latest image",
  'build-image': "build the image even when the image's sources are unchanged",
  'check-timeout': 'how long the check waits for every host to answer (default 120)',
  yes: 'do not ask before destroying (required when stdin is not a terminal)',
  force:
    'lock release: release a lock whose holder cannot be checked as gone (another machine, unreadable details, a reused pid)',
  message: 'lock acquire: why the lock is held (shown to every run it stops)',
  verbose: "stream every step's output (it always goes to the step's log)",
  refresh: "read outputs with `cdktf output` instead of the last deploy's outputs file",
  unset: 'print the lines that undo `env`',
  markdown: 'the change summary as Markdown (a pull-request comment)',
  json: 'print JSON for scripts (plan: the summaries; status: {"hosts": [...]}; drift: the report; releases: the records; config: the config; output: the outputs)',
  host: 'only this host (default: every host)',
  hosts: 'only these hosts, by name, comma-separated (default: every host)',
  follow: 'keep following the logs (Ctrl-C stops)',
  since: 'logs since a duration (10m, 2h, 30s) or a time (2026-01-31T10:00:00)',
  keep: "releases whose image stays on each host (default: the app role's app_releases_keep, 3)",
  'outputs-only': "status from the stack's outputs alone: addresses, app answers (no SSH)",
  help: 'this help',
};

/** One option's line in --help: `  -n, --dry-run   print the plan …`. */
export function optionHelpLine(name: keyof typeof OPTIONS): string {
  const spec: OptionSpec = OPTIONS[name];
  const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` <${spec.value}>` : ''}`;
  return `  ${left.padEnd(30)} ${OPTION_HELP[name]}`;
}

/** One command's line in --help: `  status <env> [--json]   one row per host …`. */
export function commandHelpLine(name: Command): string {
  const [usage, text] = COMMAND_TABLE[name];
  // Two spaces at least between a command's usage and its text (exec's usage is longer than the column).
  return `  ${`${name} ${usage}  `.padEnd(29)}${text}`;
}

export function helpText(environments: readonly string[]): string {
  const opts = (Object.keys(OPTIONS) as (keyof typeof OPTIONS)[]).map(optionHelpLine).join('\n');
  const commands = COMMANDS.map(commandHelpLine).join('\n');
  return `Deploy a fleet of Docker hosts on Google Cloud and the app on them, in one command.

usage: ${INVOCATION} [command] <env> [options]

commands:
${commands}

environments: ${environments.join(', ')}
up steps:      ${UP_STEPS.join(', ')}
destroy steps: ${DESTROY_STEPS.join(', ')}

options:
${opts}

One command in detail (arguments, options, exit codes, an example): ${INVOCATION} help <command>, or <command> --help.
Each run writes .run/<env>/<timestamp>/ (generated files, outputs.json, inventory.yml, logs/NN-<step>.log).
Both forms run it: npx docker-hosts <command> <env> [options], and npm run pipeline -- <command> <env> [options]
(the "--" is needed: without it npm takes the options).
Exit codes: 0 ok, 1 a step failed, 2 bad usage or config (also: an option npm took for itself, nothing run),
3 another run holds the lock, 4 changes not approved (no terminal and no --auto-approve, or answered no),
5 up --plan: the saved plans are stale (the config, a state or a tool changed since): plan again,
plan --detailed-exitcode: 0 no changes, 2 changes, 1 anything else (an error, bad usage, a lock),
6 status/drift: a host unreachable or its app not answering (drift: not checked), 7 drift found,
70 internal error, 130 interrupted (Ctrl-C, or Ctrl-D at a prompt).
`;
}
