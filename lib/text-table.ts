/**
 * Rows as aligned columns, two spaces apart: the tables of `status`, `releases` and the review. The last cell of a
 * row is not padded; a shorter row (a host and its error) runs on from its first cells. `rule`: a dashed line under
 * the first row.
 */
export function alignColumns(
  rows: readonly (readonly string[])[],
  options: { readonly rule?: boolean } = {},
): string[] {
  const count = Math.max(...rows.map((r) => r.length));
  const full = rows.filter((r) => r.length === count);
  const widths = Array.from({ length: count }, (_, i) => Math.max(...full.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = rows.map(line);
  if (options.rule) lines.splice(1, 0, line(widths.map((w) => '-'.repeat(w))));
  return lines;
}
