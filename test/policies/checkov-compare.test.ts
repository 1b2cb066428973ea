import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, findings, readBaseline } from '../../policies/checkov/compare';

const report = {
  check_type: 'terraform_json',
  results: {
    failed_checks: [
      {
        check_id: 'CKV_GCP_40',
        file_path: '/stacks/stage/cdk.tf.json',
        resource: 'resource.h1',
        check_name: 'no public IP',
      },
    ],
  },
};
const entry = {
  check: 'CKV_GCP_40',
  file: 'terraform_json:/stacks/stage/cdk.tf.json',
  resource: 'resource.h1',
  reason: 'r',
};

describe('Checkov baseline comparison', () => {
  it('reads one report or a list of them', () => {
    expect(findings(report)).toEqual([
      { check: 'CKV_GCP_40', file: entry.file, resource: 'resource.h1', name: 'no public IP' },
    ]);
    expect(findings([report, { check_type: 'ansible', results: {} }])).toHaveLength(1);
  });

  it('passes when every finding is baselined and every entry still fails', () => {
    expect(compare(findings(report), [entry]).ok).toBe(true);
  });

  it('fails on a new finding', () => {
    const { ok, lines } = compare(findings(report), []);
    expect(ok).toBe(false);
    expect(lines[0]).toBe(
      'NEW FINDING: CKV_GCP_40 terraform_json:/stacks/stage/cdk.tf.json resource.h1: no public IP',
    );
  });

  it('fails on a baseline entry that no longer fails', () => {
    const { ok, lines } = compare([], [entry]);
    expect(ok).toBe(false);
    expect(lines[0]).toMatch(/^STALE BASELINE ENTRY/);
  });

  it('refuses a baseline entry without a reason', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'checkov-')), 'baseline.json');
    writeFileSync(file, JSON.stringify([{ ...entry, reason: ' ' }]));
    expect(() => readBaseline(file)).toThrow(`${file}: entry 1 needs a non-empty "reason"`);
  });
});
