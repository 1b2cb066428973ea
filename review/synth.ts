/** This tree's stacks as Terraform JSON, synthesized in-process the way main.ts does, without writing cdktf.out. */
import { App } from 'cdktf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectConfig } from '../config';
import { StackJson, SynthesizedStack } from '../policies/rules';
import { buildStacks } from '../stacks/app';

export function synthesizeStacks(config: ProjectConfig): SynthesizedStack[] {
  // App() creates its output folder at once: a throwaway one, so the repository's cdktf.out is never touched.
  const outdir = mkdtempSync(join(tmpdir(), 'docker-hosts-review-'));
  try {
    const stacks = buildStacks(new App({ outdir }), config);
    return [stacks.backend, stacks.registry, ...stacks.environments].map((stack) => ({
      name: stack.node.id,
      json: JSON.parse(JSON.stringify(stack.toTerraform())) as StackJson,
    }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
