/** The parts of the command line the ship commands add: `--` for exec, --since, --keep, --host, second positionals. */
import { UsageError } from './args-error';
import { Command, INVOCATION } from './usage';

export /** The second positional some commands take, by command. */
const SECOND: Partial<Record<Command, 'host' | 'version'>> = { env: 'host', ssh: 'host', rollback: 'version' };

/** `--since`, `--keep`: checked values. */
export function valueOptions(seen: Map<string, string | true>) {
  const since = seen.get('--since');
  if (
    typeof since === 'string' &&
    !/^(\d{1,6}[smh]|\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)?)?)$/.test(since)
  ) {
    throw new UsageError(
      `--since must be a duration such as 10m, 2h or 30s, or a time such as 2026-01-31T10:00:00 (got "${since}")`,
    );
  }
  const keep = seen.get('--keep');
  if (typeof keep === 'string' && !/^([1-9]|[1-9]\d)$/.test(keep)) {
    throw new UsageError(`--keep must be a number of releases from 1 to 99 (got "${keep}")`);
  }
  const host = seen.get('--host');
  return {
    since: typeof since === 'string' ? since : undefined,
    keep: typeof keep === 'string' ? Number(keep) : undefined,
    onlyHost: typeof host === 'string' ? host : undefined,
  };
}

/** `exec <env> -- <cmd...>`: the words after the first `--` are the command, for exec alone. */
export function splitExec(argv: readonly string[]): { own: readonly string[]; execArgv: readonly string[] } {
  const at = argv.indexOf('--');
  if (at < 0) return { own: argv, execArgv: [] };
  return { own: argv.slice(0, at), execArgv: argv.slice(at + 1) };
}

export function checkExecArgv(command: Command, execArgv: readonly string[], dashes: boolean, help: boolean): void {
  if (help) return;
  if (command === 'exec' && execArgv.length === 0) {
    throw new UsageError(
      `exec needs a command after "--": ${INVOCATION} exec <env> [--host <name>] -- <command> [args]`,
    );
  }
  if (command !== 'exec' && dashes) throw new UsageError(`"--" and a command after it are for exec, not ${command}`);
}
