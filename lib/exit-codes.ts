/**
 * The exit codes of the driver and the review (documented in --help and driver/README.md); 128 + signal number when
 * interrupted. A leaf: imports nothing.
 */
export const EXIT_OK = 0;
/** A step failed, or outputs could not be read. */
export const EXIT_FAILED = 1;
/** Bad usage or config, a refusal, nothing confirmed. */
export const EXIT_USAGE = 2;
/** Another run holds the lock. */
export const EXIT_LOCKED = 3;
/** Not approved: the answer was not yes (or the environment name), or no terminal and no --auto-approve. */
export const EXIT_REFUSED = 4;
/** `up --plan`: the saved plans no longer match (the config, a stack's state or a tool changed): plan again. */
export const EXIT_STALE = 5;
/** `status`/`drift`: a host is unreachable or its app does not answer (status), or could not be checked (drift). */
export const EXIT_UNHEALTHY = 6;
/** `drift`: every host was checked and at least one differs from the code. */
export const EXIT_DRIFT = 7;
/** The driver itself broke (a bug): `internal error` and the stack. */
export const EXIT_INTERNAL = 70;
/** Cancelled at a prompt (Ctrl-C or Ctrl-D): nothing was done. 128 + SIGINT, as a shell reports it. */
export const EXIT_INTERRUPTED = 130;
