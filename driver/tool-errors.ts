/** One-line causes read from a failed tool's own output, for the failure report. */

/**
 * The first error of a failed Terraform apply in one line: `<resource address>: <cause>`, from its
 * `Error: <cause>` line and the `with <address>,` line under it (plain output, -no-color).
 */
export function terraformErrorLine(output: string): string | undefined {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => /^\s*(?:│\s*)?Error: /.test(l));
  if (at < 0) return undefined;
  const cause = lines[at].replace(/^\s*(?:│\s*)?Error: /, '').trim();
  const within = lines.slice(at + 1, at + 8).map((l) => /^\s*(?:│\s*)?with ([^,\s]+),/.exec(l));
  const address = within.find((m) => m !== null)?.[1];
  return address === undefined ? cause : `${address}: ${cause}`;
}

const PACKER_ERRORED = /^Build '([^']+)' errored after [^:]*: (.*)$/;

/**
 * The first error of a failed `packer build` in one line: `<build>: <cause>`, from its `Build '…' errored
 * after …: <cause>` line; a cause ending in "N error(s) occurred:" is followed by its first `* <error>` line.
 */
export function packerErrorLine(output: string): string | undefined {
  const lines = output.split('\n').map((l) => l.trim());
  const at = lines.findIndex((l) => PACKER_ERRORED.test(l));
  if (at < 0) return undefined;
  const [, build, cause] = PACKER_ERRORED.exec(lines[at]) as RegExpExecArray;
  const detail = lines[at + 1]?.startsWith('* ') ? lines[at + 1].slice(2) : undefined;
  const joined = detail === undefined ? cause : `${cause.replace(/ ?\d+ error\(s\) occurred:$/, '')} ${detail}`;
  return `${build}: ${joined}`;
}
