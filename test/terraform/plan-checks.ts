import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadProjectConfig, ProjectConfig } from '../../config';
import { TierContext } from './context';
import { FIXTURES } from './fixtures';
import { assertEqual } from './harness';
import { changes, planStack } from './plan';
import { expectedAddresses } from './plan-expect';
import { managedSafety, releaseRefused } from './managed-safety';
import { backendSafety, environmentSafety } from './plan-safety';
import { resolveFixture, synthesize } from './synth';
import { Tf } from './terraform';

/** Every config the plan checks cover: the fixtures and the shipped config/environments.ts. */
function configs(): { name: string; config: ProjectConfig }[] {
  const all = FIXTURES.map((f) => ({ name: f.name, config: resolveFixture(f.spec) }));
  all.push({
    name: 'shipped',
    config: loadProjectConfig(undefined, { warn: () => undefined, home: '/home/ops' }),
  });
  return all;
}

/**
 * Every stack of every config: init, validate, plan and show with the real provider on `tf`, then the exact
 * addresses and actions and the safety values of the plan JSON. Returns the per-stack plan seconds.
 */
export async function planChecks(ctx: TierContext, tf: Tf, version: string): Promise<number[]> {
  const seconds: number[] = [];
  for (const { name, config } of configs()) {
    const stacks = synthesize(join(ctx.work, `${name}-plan-${version}`), config);
    for (const stack of stacks)
      await ctx.tally.check(
        `${name}/${stack.name}: terraform ${version} validates and plans with google 6.50.0`,
        () => {
          const planned = planStack(tf, stack, version);
          seconds.push(planned.seconds);
          const expected = expectedAddresses(config, stack.name).map((a) => [a, 'create']);
          assertEqual(changes(planned.plan), Object.fromEntries(expected), 'planned changes');
          if (stack.name === 'backend') backendSafety(config, planned.plan);
          const env = config.environments.find((e) => e.name === stack.name);
          if (env !== undefined) environmentSafety(env, planned.plan);
          if (env?.fleet === 'managed') {
            managedSafety(env, planned.plan);
            releaseRefused(tf, planned.dir, stack);
          }
        },
      );
  }
  return seconds;
}

/** The `terraform` on PATH and its version, when it is there and not `bin`'s version. */
export function otherTerraform(tf: Tf): { tf: Tf; version: string } | string {
  const version = (bin: string) =>
    /Terraform v(\S+)/.exec(
      spawnSync(bin, ['version'], { encoding: 'utf8', env: tf.env }).stdout ?? '',
    )?.[1];
  const onPath = version('terraform');
  if (onPath === undefined) return 'no terraform on PATH';
  if (onPath === version(tf.bin)) return `the terraform on PATH is ${onPath} too`;
  return { tf: { bin: 'terraform', env: tf.env }, version: onPath };
}
