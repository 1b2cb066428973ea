/**
 * Dispatch: parses the command line, makes the command's executor (its signal policy is installed before any lock is
 * taken and removed after the command), resolves the config, runs the command's file in commands/, and turns the
 * errors every command may raise into exit codes. Each command is one file: commands/<name>.ts.
 */
import { ConfigError, ProjectConfig, ProjectSpec, resolveProject } from '../config';
import { PROJECT } from '../config/environments';
import { swallowedMessage, takenByNpm } from '../lib/cli/npm-swallowed';
import { describeFsError } from '../lib/fs-errors';
import { OutputsError } from '../stacks/outputs-parser';
import { checkEnvironment, FLAGS, parseArgs, ParsedArgs, UsageError } from './args';
import { buildCommand } from './commands/build';
import { configCommand } from './commands/config';
import { destroyCommand } from './commands/destroy';
import { driftCommand } from './commands/drift';
import { envCommand } from './commands/env';
import { accessoryCommand } from './commands/accessory';
import { execCommand } from './commands/exec';
import { lockCommand } from './commands/lock';
import { logsCommand } from './commands/logs';
import { planCommand } from './commands/plan';
import { pruneCommand } from './commands/prune';
import { releasesCommand } from './commands/releases';
import { rollbackCommand } from './commands/rollback';
import { configBroken } from './runner/run-command';
import { sshCommand } from './commands/ssh';
import { statusCommand } from './commands/status';
import { upCommand } from './commands/up';
import { outputCommand } from './commands/output';
import { validateCommand } from './commands/validate';
import { Context, EnvContext, MainDeps, makeContext, printError } from './context';
import { EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE } from '../lib/exit-codes';
import { Executor } from './exec/exec';
import { SIGNAL_EXIT } from '../lib/signals';
import { googleGate } from './google-gate';
import { helpAnswer } from './help';
import { makeStyle } from './format';
import { LockHeldError } from './lock';
import { Command, helpText, INVOCATION, OptionSpec, OPTIONS } from './usage';

export type { MainDeps } from './context';

const COMMAND_FILES: Record<Command, (ctx: EnvContext) => Promise<number>> = {
  up: upCommand,
  destroy: destroyCommand,
  plan: planCommand,
  env: envCommand,
  status: statusCommand,
  drift: driftCommand,
  lock: lockCommand,
  releases: releasesCommand,
  rollback: rollbackCommand,
  logs: logsCommand,
  exec: execCommand,
  ssh: sshCommand,
  prune: pruneCommand,
  accessory: accessoryCommand,
  build: buildCommand,
  push: buildCommand,
  config: configCommand,
  validate: validateCommand,
  output: outputCommand,
};

/** What any command may throw that is not a bug: its exit code (the message is printed as an error). */
const EXPECTED: [new (...args: never[]) => Error, number][] = [
  [UsageError, EXIT_USAGE],
  [LockHeldError, EXIT_LOCKED],
  [OutputsError, EXIT_FAILED],
];

/** The command line, parsed and checked against the environments; a number is the exit code to stop with. */
function readCommandLine(
  argv: readonly string[],
  deps: MainDeps,
  names: string[],
): ParsedArgs | number {
  // `npm run pipeline stage --dry-run` (no `--`): npm took --dry-run, and a real run must not start.
  const valued = Object.entries<OptionSpec>(OPTIONS).flatMap(([o, spec]) =>
    spec.value ? [`--${o}`] : [],
  );
  const swallowed = takenByNpm(deps.env, argv, { long: FLAGS, valued });
  if (swallowed !== undefined) {
    deps.stderr.write(`${swallowedMessage(swallowed, 'docker-hosts')}\n`);
    return EXIT_USAGE;
  }
  const answer = helpAnswer(argv, names, deps.root);
  if (answer !== undefined) {
    deps[answer.stream].write(answer.text);
    return answer.code;
  }
  try {
    const args = parseArgs(argv);
    if (args.help) {
      deps.stdout.write(helpText(names));
      return EXIT_OK;
    }
    checkEnvironment(args, names);
    return args;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const errStyle = makeStyle(deps.stderr.isTTY ?? false, deps.env);
    const json = argv
      .slice(0, argv.includes('--') ? argv.indexOf('--') : undefined)
      .includes('--json');
    printError({ deps, errStyle, args: { json } }, `${error.message}\nsee: ${INVOCATION} --help`);
    return EXIT_USAGE;
  }
}

/** Resolves the config and runs the command's file; a config that does not resolve stops at configBroken. */
function runCommand(ctx: Context, spec: ProjectSpec): Promise<number> {
  let project: ProjectConfig;
  try {
    const warn = (message: string) => ctx.warnings.push(message);
    project = resolveProject(spec, { home: ctx.home, warn, root: ctx.deps.root });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return configBroken(ctx, error.message);
  }
  const env = project.environments.find((e) => e.name === ctx.args.environment);
  if (env === undefined) return configBroken(ctx, 'config error: environment not found');
  const envCtx = { ...ctx, env, project };
  const refused = googleGate(envCtx);
  return refused !== undefined ? Promise.resolve(refused) : COMMAND_FILES[ctx.args.command](envCtx);
}

/** `terraform plan -detailed-exitcode`'s "changes": under that option only, so it is not one of lib/exit-codes'. */
const DETAILED_CHANGES = 2;

/**
 * `plan --detailed-exitcode` answers as `terraform plan -detailed-exitcode` does: 0 no changes, 2 changes (the
 * command called ctx.onChanges), 1 anything else (bad usage, a lock, a failure); an interruption stays 128 + n.
 */
export async function main(argv: readonly string[], deps: MainDeps): Promise<number> {
  const dashes = argv.indexOf('--');
  const words = dashes < 0 ? argv : argv.slice(0, dashes);
  if (!words.includes('--detailed-exitcode')) return mainCode(argv, deps);
  let changes = false;
  const code = await mainCode(argv, deps, () => (changes = true));
  if (code >= 128) return code;
  if (code !== EXIT_OK) return EXIT_FAILED;
  return changes ? DETAILED_CHANGES : EXIT_OK;
}

/** Runs one driver command; returns the exit code. `onChanges`: the plan command found changes. */
async function mainCode(
  argv: readonly string[],
  deps: MainDeps,
  onChanges?: () => void,
): Promise<number> {
  const spec = deps.spec ?? PROJECT;
  const names = Array.isArray(spec.environments)
    ? spec.environments.map((e) => String(e?.name))
    : [];
  const args = readCommandLine(argv, deps, names);
  if (typeof args === 'number') return args;
  const errStyle = makeStyle(deps.stderr.isTTY ?? false, deps.env);
  const io = {
    signals: deps.signals ?? process,
    err: deps.stderr,
    style: errStyle,
    env: deps.env,
    root: deps.root,
  };
  const exec = (deps.makeExec ?? ((i) => new Executor(i)))(io).install();
  try {
    const ctx: Context = { ...makeContext(deps, args, exec), onChanges };
    const code = await runHandled(ctx, spec);
    // Interrupted: 128 + the signal's number, whatever the command made of it (it stopped at the next child).
    return exec.interrupted !== undefined ? SIGNAL_EXIT[exec.interrupted] : code;
  } finally {
    exec.dispose();
  }
}

/** The command, with the errors any command may raise turned into their exit codes. */
async function runHandled(ctx: Context, spec: ProjectSpec): Promise<number> {
  try {
    return await runCommand(ctx, spec);
  } catch (error) {
    const fsProblem = describeFsError(error);
    if (fsProblem !== undefined) {
      printError(ctx, `${fsProblem} (runs write under DOCKER_HOSTS_RUN_DIR, default .run/)`);
      return EXIT_FAILED;
    }
    const code = EXPECTED.find(([type]) => error instanceof type)?.[1];
    if (code === undefined) throw error;
    printError(ctx, (error as Error).message);
    return code;
  }
}
