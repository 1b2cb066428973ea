// Shared with policies/checkov/plans.ts: scripts/terraform/synth.ts.
export { resolveFixture, synthesize, type SynthStack } from '../../scripts/terraform/synth';
