import type { App, Testing } from 'cdktf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  EnvironmentSpec,
  ProjectConfig,
  ProjectSpec,
  resolveProject,
  ResolveContext,
} from '../config';
import type { AppStacks } from '../stacks/app';
import { FIXTURE_PROJECT, TEST_KEY, TEST_PROJECT } from './fixtures/project';

export { FIXTURE_PROJECT, TEST_KEY, TEST_PROJECT } from './fixtures/project';

/** A context with a fixed home and collected warnings: deterministic, whatever machine runs the tests. */
export function testContext(): ResolveContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (message) => warnings.push(message), home: '/home/ops', warnings };
}

/** The tests' own two-environment config (test/fixtures/project.ts), resolved. */
export function repoConfig(): ProjectConfig {
  return resolveProject(FIXTURE_PROJECT, testContext());
}

/**
 * One environment record that is valid, for tests to break one field at a time: on public IPs (the shape the
 * SSH-route and app-range tests are about) unless the overrides say `exposure: 'load-balancer'`.
 */
export function validEnv(overrides: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return {
    name: 'stage',
    projectId: TEST_PROJECT,
    region: 'europe-west1',
    zone: 'europe-west1-b',
    exposure: 'public-ips',
    ...overrides,
    ssh: { publicKeys: [TEST_KEY], ...overrides.ssh },
  };
}

export function resolveEnvs(
  envs: EnvironmentSpec[],
  extra: Partial<ProjectSpec> = {},
): ProjectConfig {
  return resolveProject({ environments: envs, ...extra }, testContext());
}

/** The one-line ConfigError a project with these environment records gets (the test fails if it resolves). */
export function configErrorOf(environments: readonly unknown[]): string {
  try {
    resolveProject({ environments } as unknown as ProjectSpec, testContext());
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('resolved without error');
}

/**
 * cdktf and the stacks, loaded when a test first synthesizes: most files that use these helpers (the config's tests)
 * never do, and loading cdktf and the provider's classes costs each of them about 0.3 s of the suite's time.
 */
function cdktf() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    Testing: (require('cdktf') as typeof import('cdktf')).Testing,
    buildStacks: (require('../stacks/app') as typeof import('../stacks/app')).buildStacks,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Builds the stacks into an app writing to a throwaway directory. */
export function stacksFor(config: ProjectConfig): AppStacks {
  const { Testing, buildStacks } = cdktf();
  const app: App = Testing.app({ outdir: mkdtempSync(join(tmpdir(), 'docker-hosts-test-')) });
  return buildStacks(app, config);
}

const environmentJsons = new Map<string, Record<string, any>>();

/**
 * The synthesized stack of one test environment (validEnv with these overrides), as JSON a test may edit: synth is
 * a pure function of the config, so each config is synthesized once per test file and every caller gets its own
 * copy.
 */
export function environmentJson(overrides: Partial<EnvironmentSpec> = {}): Record<string, any> {
  const key = JSON.stringify(overrides);
  let json = environmentJsons.get(key);
  if (json === undefined) {
    json = synthJson(stacksFor(resolveEnvs([validEnv(overrides)])).environments[0]);
    environmentJsons.set(key, json);
  }
  return structuredClone(json);
}

/** Synthesized JSON of a stack, parsed. */
export function synthJson(stack: Parameters<typeof Testing.synth>[0]): Record<string, any> {
  return JSON.parse(cdktf().Testing.synth(stack));
}
