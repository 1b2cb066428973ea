import { readFileSync } from 'node:fs';

/**
 * Compares Checkov's JSON reports with the committed baseline (policies/checkov/baseline.json):
 * exits 1 on a finding that is not in the baseline, and on a baseline entry that no longer fails,
 * so the baseline never rots. The command line is policies/checkov/cli.ts.
 */
interface BaselineEntry {
  readonly check: string;
  readonly file: string;
  readonly resource: string;
  readonly reason: string;
}

interface Finding {
  readonly check: string;
  readonly file: string;
  readonly resource: string;
  readonly name: string;
}

/** The part of a Checkov JSON report that is read. */
interface CheckovRun {
  readonly check_type: string;
  readonly results?: {
    readonly failed_checks?: readonly {
      check_id: string;
      file_path: string;
      resource: string;
      check_name: string;
    }[];
  };
}

const key = (f: { check: string; file: string; resource: string }): string =>
  `${f.check} ${f.file} ${f.resource}`;

/** Every failed check in one report (Checkov writes one object, or a list with one per framework). */
export function findings(report: unknown): Finding[] {
  const runs = (Array.isArray(report) ? report : [report]) as CheckovRun[];
  return runs.flatMap((run) =>
    (run?.results?.failed_checks ?? []).map((c) => ({
      check: c.check_id,
      file: `${run.check_type}:${c.file_path}`,
      resource: c.resource,
      name: c.check_name,
    })),
  );
}

/** Reads and checks the baseline: every entry names a check, a file, a resource and a reason. */
export function readBaseline(path: string): BaselineEntry[] {
  const entries = JSON.parse(readFileSync(path, 'utf8')) as BaselineEntry[];
  entries.forEach((e, i) => {
    for (const field of ['check', 'file', 'resource', 'reason'] as const) {
      if (typeof e[field] !== 'string' || e[field].trim() === '') {
        throw new Error(`${path}: entry ${i + 1} needs a non-empty "${field}"`);
      }
    }
  });
  return entries;
}

/** The lines to print and whether the reports match the baseline exactly. */
export function compare(
  found: readonly Finding[],
  baseline: readonly BaselineEntry[],
): { ok: boolean; lines: string[] } {
  const known = new Map(baseline.map((e) => [key(e), e]));
  const seen = new Set(found.map(key));
  const lines: string[] = [];
  for (const f of found) {
    const entry = known.get(key(f));
    lines.push(
      entry ? `baselined: ${key(f)} (${entry.reason})` : `NEW FINDING: ${key(f)}: ${f.name}`,
    );
  }
  const stale = baseline.filter((e) => !seen.has(key(e)));
  for (const e of stale) lines.push(`STALE BASELINE ENTRY (no longer fails, remove it): ${key(e)}`);
  const fresh = found.filter((f) => !known.has(key(f)));
  lines.push(
    `checkov: ${found.length} failing checks, ${found.length - fresh.length} baselined, ${fresh.length} new, ` +
      `${stale.length} stale baseline entries`,
  );
  return { ok: fresh.length === 0 && stale.length === 0, lines };
}
