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
