import { Finding, PolicyRule, RULES, SynthesizedStack } from './rules';

/** An accepted exception to a rule, always with the reason an ops reviewer will read. */
export interface Suppression {
  readonly rule: string;
  readonly stack: string;
  readonly reason: string;
}

export class PolicyViolationError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    super(
      `policy check failed with ${findings.length} finding(s):\n` +
        findings.map((f) => `  [${f.rule}] ${f.stack}: ${f.address} ${f.message}`).join('\n'),
    );
    this.name = 'PolicyViolationError';
  }
}

/** Runs every rule over the stacks; returns the findings no suppression covers. */
export function checkPolicies(
  stacks: readonly SynthesizedStack[],
  suppressions: readonly Suppression[] = [],
  rules: readonly PolicyRule[] = RULES,
): Finding[] {
  const known = new Set(rules.map((r) => r.id));
  for (const s of suppressions) {
    if (!known.has(s.rule))
      throw new Error(
        `suppression names unknown rule "${s.rule}" (known: ${[...known].join(', ')})`,
      );
    if (s.reason.trim() === '')
      throw new Error(`suppression of ${s.rule} for stack "${s.stack}" needs a reason`);
  }
  return rules
    .flatMap((rule) => rule.check(stacks))
    .filter((f) => !suppressions.some((s) => s.rule === f.rule && s.stack === f.stack));
}
