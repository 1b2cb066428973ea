import { App } from 'cdktf';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectConfig, ProjectSpec, resolveProject } from '../../config';
import { synthesizeApp } from '../../stacks/app';

/** One stack's synthesized Terraform JSON and the folder cdktf wrote it to. */
export interface SynthStack {
  readonly name: string;
  readonly dir: string;
  readonly json: Record<string, any>;
}

/** A fixture resolved the way main.ts resolves the repository's config. */
export function resolveFixture(spec: ProjectSpec): ProjectConfig {
  return resolveProject(spec, { warn: () => undefined, home: '/home/ops' });
}

/**
 * Synthesizes a config through the project's own code (validation, stacks, policies) into
 * `<root>/cdktf.out`, as `cdktf synth` does for the repository, and reads every stack back.
 */
export function synthesize(root: string, config: ProjectConfig): SynthStack[] {
  const outdir = join(root, 'cdktf.out');
  mkdirSync(outdir, { recursive: true });
  synthesizeApp(new App({ outdir }), config);
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  return Object.values<any>(manifest.stacks).map((s) => ({
    name: s.name,
    dir: join(outdir, s.workingDirectory),
    json: JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8')),
  }));
}
