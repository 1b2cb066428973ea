/** What the command line may say: the commands, every option and which commands take it, and --help. */
import { DESTROY_STEPS, UP_STEPS } from './plan/steps';

export const COMMANDS = [
  'up',
  'destroy',
  'plan',
  'env',
  'status',
  'drift',
  'lock',
  'releases',
  'rollback',
  'logs',
  'exec',
  'ssh',
  'prune',
] as const;
export type Command = (typeof COMMANDS)[number];
export const LOCK_ACTIONS = ['status', 'release'] as const;

/** How the README and the messages spell the driver's invocation. */
export const INVOCATION = 'npm run pipeline --';

interface OptionSpec {
  readonly value?: string;
  readonly short?: string;
  readonly commands: readonly Command[];
  readonly help: string;
}

const RUN: readonly Command[] = ['up', 'destroy'];

/** Every option, which commands take it, and its help line (the single source of --help). */
export const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'dry-run': {
    short: 'n',
    commands: RUN,
    help: 'print the plan (commands, arguments, cwd, added env, files written); run nothing',
  },
  from: {
    value: 'step',
    commands: RUN,
    help: 'start at <step> (preflight still runs); continues in the last run folder',
  },
  only: { value: 'step', commands: RUN, help: 'run only <step> (and preflight); continues in the last run folder' },
  'auto-approve': {
    commands: ['up'],
    help: 'apply the saved plans without asking (needed without a terminal when something changes)',
  },
  local: { commands: ['up'], help: 'build the app image (app.build) with the local Docker, not on the first host' },
  'allow-dirty': {
    commands: ['up'],
    help: 'build the app image from a working tree with uncommitted changes (tagged <commit>-dirty)',
  },
  'skip-image': { commands: ['up'], help: "do not build the image: hosts boot from the family's latest image" },
  'build-image': { commands: ['up'], help: "build the image even when the image's sources are unchanged" },
  'check-timeout': {
    value: 'seconds',
    commands: ['up'],
    help: 'how long the check waits for every host to answer (default 120)',
  },
  yes: {
    short: 'y',
    commands: ['destroy'],
    help: 'do not ask before destroying (required when stdin is not a terminal)',
  },
  verbose: { short: 'v', commands: RUN, help: "stream every step's output (it always goes to the step's log)" },
  refresh: {
    commands: ['env', 'status', 'drift', 'releases', 'rollback', 'logs', 'exec', 'ssh', 'prune'],
    help: "read outputs with `cdktf output` instead of the last deploy's outputs file",
  },
  unset: { commands: ['env'], help: 'print the lines that undo `env`' },
  markdown: { commands: ['plan'], help: 'the change summary as Markdown (a pull-request comment)' },
  json: {
    commands: ['plan', 'status', 'drift', 'releases'],
    help: 'print JSON for scripts (plan: the summaries; status: {"hosts": [...]}; drift: the report; releases: the records)',
  },
  host: { value: 'name', commands: ['logs', 'exec'], help: 'only this host (default: every host)' },
  follow: { short: 'f', commands: ['logs'], help: 'keep following the logs (Ctrl-C stops)' },
  since: {
    value: 'when',
    commands: ['logs'],
    help: 'logs since a duration (10m, 2h, 30s) or a time (2026-01-31T10:00:00)',
  },
  keep: {
    value: 'n',
    commands: ['prune'],
    help: "releases whose image stays on each host (default: the app role's app_releases_keep, 3)",
  },
  'outputs-only': {
    commands: ['status'],
    help: "status from the stack's outputs alone: addresses, app answers (no SSH)",
  },
  help: { short: 'h', commands: COMMANDS, help: 'this help' },
};

/** The options as util.parseArgs takes them. */
export const NODE_OPTIONS = Object.fromEntries(
  Object.entries(OPTIONS).map(([name, o]) => [
    name,
    { type: o.value ? ('string' as const) : ('boolean' as const), ...(o.short ? { short: o.short } : {}) },
  ]),
);

export function helpText(environments: readonly string[]): string {
  const opts = Object.entries(OPTIONS)
    .map(([name, spec]) => {
      const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` <${spec.value}>` : ''}`;
      return `  ${left.padEnd(30)} ${spec.help}`;
    })
    .join('\n');
  return `Deploy a fleet of Docker hosts on Google Cloud and the app on them, in one command.

usage: ${INVOCATION} [command] <env> [options]

commands:
  up <env>                     (default) plan and ask, then preflight, image, backend, registry, <env>, inventory, hosts, check
  destroy <env>                destroy <env>'s stack (hosts, firewall); never the state backend or the registry
  plan <env>                   what up would change in every stack it touches (terraform plan, saved); applies nothing
  env <env> [host]             print shell lines pointing docker at a host: eval "$(${INVOCATION.replace('--', '-s --')} env stage)"
  status <env> [--json]        one row per host over SSH: OS, Docker, app image/release/state, updates, reboot, disk
  drift <env> [--json]         site.yml in check mode: per host, what differs from the code; changes nothing
  lock status|release <env>    who holds <env>'s lock; remove a lock its run left behind
  releases <env> [--json]      the release records of every host: time, who, action, commit, digest, result
  rollback <env> [version]     redeploy the previous (or named: commit, digest) release from the image on the hosts
  logs <env> [--host h] [-f]   the app container's logs over SSH (--since 10m)
  exec <env> [--host h] -- <cmd>  run <cmd> in the app container on each host (one after the other)
  ssh <env> [host]             an SSH session on a host (default the first), the way Ansible connects
  prune <env> [--keep n]       remove stopped containers and images beyond the kept releases on every host

environments: ${environments.join(', ')}
up steps:      ${UP_STEPS.join(', ')}
destroy steps: ${DESTROY_STEPS.join(', ')}

options:
${opts}

Each run writes .run/<env>/<timestamp>/ (generated files, outputs.json, inventory.yml, logs/NN-<step>.log).
Also: npx docker-hosts <command> <env> [options] (bin/docker-hosts), which no npm option parser stands in front of.
Exit codes: 0 ok, 1 a step failed, 2 bad usage or config (also: an option npm took for itself, nothing run),
3 another run holds the lock, 4 changes not approved (no terminal and no --auto-approve, or answered no),
6 status/drift: a host unreachable or its app not answering (drift: not checked), 7 drift found,
70 internal error, 130 interrupted (Ctrl-C, or Ctrl-D at a prompt).
`;
}
