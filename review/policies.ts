/** Policy results for the review: every rule of policies/rules.ts, per stack, with suppressions and their reasons. */
import { Suppression } from '../policies/check';
import { PolicyRule, RULES, SynthesizedStack } from '../policies/rules';
import { Section } from './document';

export interface PolicyResult {
  readonly rule: string;
  readonly description: string;
  readonly status: 'pass' | 'fail' | 'suppressed';
  /** `stage: google_compute_firewall.firewall_ssh allows SSH from 0.0.0.0/0` */
  readonly details: readonly string[];
}

export function policyResults(
  stacks: readonly SynthesizedStack[],
  suppressions: readonly Suppression[],
  rules: readonly PolicyRule[] = RULES,
): PolicyResult[] {
  return rules.map((rule) => {
    const findings = rule.check(stacks);
    const covering = (stack: string) =>
      suppressions.find((s) => s.rule === rule.id && s.stack === stack);
    const open = findings.filter((f) => covering(f.stack) === undefined);
    const suppressed = findings.filter((f) => covering(f.stack) !== undefined);
    return {
      rule: rule.id,
      description: rule.description,
      status: open.length > 0 ? 'fail' : suppressed.length > 0 ? 'suppressed' : 'pass',
      details: [
        ...open.map((f) => `${f.stack}: ${f.address} ${f.message}`),
        ...suppressed.map(
          (f) => `${f.stack}: ${f.address} ${f.message} (suppressed: ${covering(f.stack)!.reason})`,
        ),
      ],
    };
  });
}

export function policySection(results: readonly PolicyResult[]): Section {
  const count = (status: PolicyResult['status']) =>
    results.filter((r) => r.status === status).length;
  const failed = count('fail');
  return {
    title: 'Policies',
    summary: `${count('pass')} pass, ${count('suppressed')} suppressed, ${failed} fail${failed > 0 ? ' (synth refuses this)' : ''}`,
    open: failed > 0 || count('suppressed') > 0,
    blocks: [
      {
        kind: 'table',
        head: ['rule', 'result', 'what it checks', 'findings'],
        rows: results.map((r) => [r.rule, r.status, r.description, r.details.join('\n') || '-']),
      },
    ],
  };
}
