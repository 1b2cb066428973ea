/** A mistake on the command line: exit 2, one line naming what is allowed. */
export class UsageError extends Error {
  override name = 'UsageError';
}
