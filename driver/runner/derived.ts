/**
 * Extra-vars files the driver writes just before a step, from what an earlier step produced (plan/steps.ts's
 * DerivedVarsFile): read through the stacks' outputs contract, never derived from config again.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OutputsError } from '../../stacks/outputs-parser';
import { parseRegistryOutputs, registryHostOf } from '../../stacks/registry-outputs';
import type { DerivedVarsFile, RegistryHostsVars } from '../plan/steps';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new OutputsError(`cannot read ${file} (${why})`);
  }
}

/** The build step's release file, as site.yml's extra vars: the image by digest and its commit. */
function releaseVars(file: string): Record<string, unknown> {
  const release = readJson(file) as { image?: unknown; commit?: unknown } | null;
  if (typeof release?.image !== 'string' || !/@sha256:[0-9a-f]{64}$/.test(release.image)) {
    const got = JSON.stringify(release?.image);
    throw new OutputsError(
      `${file}: field "image" must be <repository>@sha256:<digest> (got ${got})`,
    );
  }
  return { app_image: release.image, app_release_commit: String(release.commit ?? '') };
}

/** The registry stack's outputs, as site.yml's extra vars: this environment's registry host. */
function registryVars(file: RegistryHostsVars): Record<string, unknown> {
  const json = readJson(file.outputsFile);
  try {
    const outputs = parseRegistryOutputs(json, file.stack);
    return { docker_host_registry_hosts: [registryHostOf(outputs, file.environment, file.stack)] };
  } catch (err) {
    throw err instanceof OutputsError
      ? new OutputsError(`${file.outputsFile}: ${err.message}`)
      : err;
  }
}

/** Writes every derived file of a step; the first problem as a one-line message, or undefined when all were written. */
export function writeDerived(files: readonly DerivedVarsFile[]): string | undefined {
  try {
    for (const file of files) {
      const content =
        file.type === 'release-image' ? releaseVars(file.releaseFile) : registryVars(file);
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, `${JSON.stringify(content, null, 2)}\n`);
    }
  } catch (err) {
    if (err instanceof OutputsError) return err.message;
    throw err;
  }
  return undefined;
}
