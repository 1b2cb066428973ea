/**
 * The exit codes of the project's commands (the driver and the review), stable and documented: `--help`, the
 * READMEs and the code all read them from here.
 */
export const EXIT_OK = 0;
/** A step failed (a tool exited non-zero, the hosts did not answer), or outputs could not be read. */
export const EXIT_FAILED = 1;
/** Bad usage or config: an unknown command or option, a flag npm took for itself, a config error. */
export const EXIT_USAGE = 2;
/** Another run holds the lock. */
export const EXIT_LOCKED = 3;
/** Not approved: the answer was not yes (or the environment name), or no terminal and no --auto-approve. */
export const EXIT_REFUSED = 4;
/** Prerequisites are missing (preflight lists them all). */
export const EXIT_PREFLIGHT = 5;
/** The command itself broke (a bug): `internal error` and the stack. */
export const EXIT_INTERNAL = 70;
/** Interrupted: 128 + the signal number. Ctrl-C at a question counts as SIGINT. */
export const EXIT_INTERRUPTED = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** The table in --help and the READMEs. */
export const EXIT_CODE_TABLE: readonly (readonly [string, string])[] = [
  [String(EXIT_OK), 'ok (also: no changes, nothing applied)'],
  [String(EXIT_FAILED), 'a step failed'],
  [String(EXIT_USAGE), 'bad usage or config (unknown command or option, a flag npm swallowed)'],
  [String(EXIT_LOCKED), 'another run holds the lock'],
  [String(EXIT_REFUSED), 'not approved, or refused (no terminal and no --auto-approve)'],
  [String(EXIT_PREFLIGHT), 'prerequisites missing'],
  [String(EXIT_INTERNAL), 'internal error (a bug)'],
  [
    `${EXIT_INTERRUPTED.SIGINT}/${EXIT_INTERRUPTED.SIGTERM}/${EXIT_INTERRUPTED.SIGHUP}`,
    'interrupted (Ctrl-C, SIGTERM, terminal closed)',
  ],
];

/** `Exit codes: 0 ok, 1 a step failed, …` for --help. */
export function exitCodeHelp(): string {
  return `Exit codes:\n${EXIT_CODE_TABLE.map(([code, meaning]) => `  ${code.padEnd(12)} ${meaning}`).join('\n')}\n`;
}
