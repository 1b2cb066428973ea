import { join } from 'node:path';
import { Fixture } from '../terraform/fixtures';
import { resolveFixture, synthesize, SynthStack } from '../terraform/synth';
import { terraformOk } from '../terraform/terraform';
import { DoubleContext } from './context';

/**
 * Synthesizes a fixture through the project's own code, creates its state bucket on fake-gcs-server,
 * publishes the image family in the double (what `up --skip-image` relies on) and inits every stack.
 */
const buckets = new Set<string>();

export async function prepare(ctx: DoubleContext, fixture: Fixture): Promise<SynthStack[]> {
  const stacks = synthesize(join(ctx.work, fixture.name), resolveFixture(fixture.spec));
  for (const stack of stacks) {
    const gcs = stack.json.terraform?.backend?.gcs;
    const project = stack.json.provider?.google?.[0]?.project;
    if (gcs && !buckets.has(gcs.bucket)) await ctx.gcs.createBucket(gcs.bucket, project);
    if (gcs) buckets.add(gcs.bucket);
    if (project) ctx.double.publishImage(project, 'docker-host-base');
    if (stack.name !== 'backend') terraformOk(ctx.tf, stack.dir, ['init', '-input=false']);
  }
  return stacks;
}

/** The stack of that name. */
export function stackOf(stacks: SynthStack[], name: string): SynthStack {
  const stack = stacks.find((s) => s.name === name);
  if (!stack) throw new Error(`no stack ${name} in ${stacks.map((s) => s.name).join(', ')}`);
  return stack;
}
