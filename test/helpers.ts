import { App, Testing } from 'cdktf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentSpec, ProjectConfig, ProjectSpec, resolveProject, ResolveContext } from '../config';
import { PROJECT } from '../config/environments';
import { AppStacks, buildStacks } from '../stacks/app';

export const TEST_PROJECT = 'acme-docker-hosts';
export const TEST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm9Ylq0bW5UkGb0V6nWqf3cQ6x1d0bG6wqKq6b4mJ5e ops@example';

/** A context with a fixed environment and no files: deterministic, whatever machine runs the tests. */
export function testContext(
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): ResolveContext & {
  warnings: string[];
} {
  const warnings: string[] = [];
  return {
    env,
    readFile: (path) => files[path],
    warn: (message) => warnings.push(message),
    home: '/home/ops',
    warnings,
  };
}

/** The repository's own config/environments.ts, resolved for a fixed project and SSH key. */
export function repoConfig(): ProjectConfig {
  return resolveProject(PROJECT, testContext({ GOOGLE_PROJECT: TEST_PROJECT, DOCKER_HOSTS_SSH_PUBLIC_KEY: TEST_KEY }));
}

/** One environment record that is valid, for tests to break one field at a time. */
export function validEnv(overrides: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return { name: 'stage', projectId: TEST_PROJECT, region: 'europe-west1', zone: 'europe-west1-b', ...overrides };
}

export function resolveEnvs(envs: EnvironmentSpec[], extra: Partial<ProjectSpec> = {}): ProjectConfig {
  return resolveProject({ environments: envs, ...extra }, testContext({ DOCKER_HOSTS_SSH_PUBLIC_KEY: TEST_KEY }));
}

/** Builds the stacks into an app writing to a throwaway directory. */
export function stacksFor(config: ProjectConfig): AppStacks {
  const app: App = Testing.app({ outdir: mkdtempSync(join(tmpdir(), 'docker-hosts-test-')) });
  return buildStacks(app, config);
}

/** Synthesized JSON of a stack, parsed. */
export function synthJson(stack: Parameters<typeof Testing.synth>[0]): Record<string, any> {
  return JSON.parse(Testing.synth(stack));
}
