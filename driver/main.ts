/**
 * Dispatch: parses the command line, resolves the config, runs the command's file in commands/, and turns the
 * errors every command may raise into exit codes. Each command is one file: commands/<name>.ts.
 */
import { homedir } from 'node:os';
import { ConfigError, ProjectConfig, resolveProject } from '../config';
import { swallowedByNpm, swallowedMessage } from '../lib/cli/npm-swallowed';
import { describeFsError } from '../lib/fs-errors';
import { PROJECT } from '../config/environments';
import { OutputsError } from '../stacks/outputs';
import { checkEnvironment, parseArgs, ParsedArgs, UsageError } from './args';
import { destroyCommand } from './commands/destroy';
import { driftCommand } from './commands/drift';
import { envCommand } from './commands/env';
import { lockCommand } from './commands/lock';
import { planCommand } from './commands/plan';
import { configBroken } from './commands/run';
import { statusCommand } from './commands/status';
import { upCommand } from './commands/up';
import { execCommand } from './commands/exec';
import { logsCommand } from './commands/logs';
import { pruneCommand } from './commands/prune';
import { releasesCommand } from './commands/releases';
import { rollbackCommand } from './commands/rollback';
import { sshCommand } from './commands/ssh';
import { Context, EnvContext, MainDeps, makeContext, printError } from './context';
import { EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { makeStyle } from './format';
import { LockHeldError } from './lock';
import { Command, helpText, INVOCATION, OPTIONS } from './usage';

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
};

/** The command line, parsed and checked against the environments; a number is the exit code to stop with. */
function readCommandLine(argv: readonly string[], deps: MainDeps, names: string[]): ParsedArgs | number {
  // `npm run pipeline stage --dry-run` (no `--`): npm took --dry-run, and a real run must not start.
  const swallowed = swallowedByNpm(deps.env, argv, {
    long: Object.keys(OPTIONS).map((o) => `--${o}`),
    valued: Object.entries(OPTIONS).flatMap(([o, spec]) => (spec.value === undefined ? [] : [`--${o}`])),
  });
  if (swallowed !== undefined) {
    deps.stderr.write(
      swallowedMessage(swallowed, 'docker-hosts')
        .map((l) => `${l}\n`)
        .join(''),
    );
    return EXIT_USAGE;
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
    const red = makeStyle(deps.stderr.isTTY ?? false, deps.env).red;
    deps.stderr.write(`${red('error:')} ${error.message}\nsee: ${INVOCATION} --help\n`);
    return EXIT_USAGE;
  }
}

function resolveConfig(ctx: Context): ProjectConfig | string {
  try {
    return resolveProject(ctx.deps.spec ?? PROJECT, { home: ctx.home, warn: (message) => ctx.warnings.push(message) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
}

/** Runs one driver command; returns the exit code. */
export async function main(argv: readonly string[], deps: MainDeps): Promise<number> {
  const spec = deps.spec ?? PROJECT;
  const names = Array.isArray(spec.environments) ? spec.environments.map((e) => String(e?.name)) : [];
  const args = readCommandLine(argv, deps, names);
  if (typeof args === 'number') return args;
  const ctx = makeContext(deps, args, deps.home ?? homedir());
  const project = resolveConfig(ctx);
  const env = typeof project === 'string' ? undefined : project.environments.find((e) => e.name === args.environment);
  try {
    if (typeof project === 'string' || env === undefined) {
      return await configBroken(ctx, typeof project === 'string' ? project : 'config error: environment not found');
    }
    return await COMMAND_FILES[args.command]({ ...ctx, env, project });
  } catch (error) {
    const fsProblem = describeFsError(error);
    if (fsProblem !== undefined) {
      printError(ctx, `${fsProblem} (runs write under DOCKER_HOSTS_RUN_DIR, default .run/)`);
      return EXIT_FAILED;
    }
    const code =
      error instanceof UsageError
        ? EXIT_USAGE
        : error instanceof LockHeldError
          ? EXIT_LOCKED
          : error instanceof OutputsError
            ? EXIT_FAILED
            : undefined;
    if (code === undefined) throw error;
    printError(ctx, (error as Error).message);
    return code;
  }
}
