import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compare, findings, readBaseline } from './compare';

/** cli.ts --baseline <baseline.json> <checkov-report.json>...: exit 0 only when they match exactly. */
function main(): number {
  const { values, positionals } = parseArgs({
    options: { baseline: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.baseline || positionals.length === 0) {
    console.error('usage: compare.ts --baseline <baseline.json> <checkov-report.json>...');
    return 2;
  }
  const found = positionals.flatMap((p) => findings(JSON.parse(readFileSync(p, 'utf8'))));
  const { ok, lines } = compare(found, readBaseline(values.baseline));
  lines.forEach((line) => console.log(line));
  return ok ? 0 : 1;
}

process.exit(main());
