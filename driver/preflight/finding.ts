/** What preflight reports: one finding per prerequisite, ok or missing with its fix. */
import type { EnvironmentConfig } from '../../config';
import type { Requirement } from '../plan/steps';

export interface Finding {
  readonly requirement: Requirement | 'file';
  readonly ok: boolean;
  /** `packer 1.11.2`, `not found on PATH`, … */
  readonly summary: string;
  /** How to fix it, when not ok. */
  readonly fix?: string;
}

export function ok(requirement: Finding['requirement'], summary: string): Finding {
  return { requirement, ok: true, summary };
}

export function missing(requirement: Finding['requirement'], summary: string, fix: string): Finding {
  return { requirement, ok: false, summary, fix };
}

/**
 * Runs `command args` and returns its stdout+stderr, or undefined when it cannot run (it does not start, or exits
 * 126 or 127: not executable, or something it needs not found). Injectable for tests.
 */
export type VersionProbe = (command: string, args: readonly string[]) => Promise<string | undefined>;

export interface PreflightInput {
  readonly requirements: readonly Requirement[];
  /** Repository files, relative to root. */
  readonly files: readonly string[];
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** The cdktf executable the plan uses (a path, or a name looked up on PATH). */
  readonly cdktf: string;
  /** The environment's config, or the reason it did not load. */
  readonly config:
    { readonly ok: true; readonly value: EnvironmentConfig } | { readonly ok: false; readonly error: string };
  readonly probe?: VersionProbe;
}
