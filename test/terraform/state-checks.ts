import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackOf, stateObject, TierContext } from './context';
import { FIXTURES } from './fixtures';
import { assert, assertEqual } from './harness';
import { resolveFixture, synthesize, SynthStack } from './synth';
import { RunningTerraform, terraformFails, terraformOk, writeBackendOnly } from './terraform';

/** Inits and applies a stack's backend-only copy; returns the copy's folder. */
function initApply(ctx: TierContext, stack: SynthStack): string {
  const dir = writeBackendOnly(stack.dir, stack.json);
  terraformOk(ctx.tf, dir, ['init', '-input=false']);
  terraformOk(ctx.tf, dir, ['apply', '-auto-approve', '-input=false']);
  return dir;
}

/** Asserts the stack's state object exists in the emulator and holds the stack's own outputs. */
async function assertStateLanded(ctx: TierContext, stack: SynthStack): Promise<any> {
  const { bucket, object } = stateObject(stack.json);
  const objects = await ctx.gcs.list(bucket);
  assert(
    objects.includes(object),
    `gs://${bucket}/${object} not written (bucket has ${objects.join(', ') || 'nothing'})`,
  );
  const state = await ctx.gcs.readJson(bucket, object);
  assertEqual(state.terraform_version, '1.5.7', `terraform_version in gs://${bucket}/${object}`);
  if (stack.name === 'registry') {
    assert(
      state.outputs.environment_registry_hosts !== undefined,
      'environment_registry_hosts output in state',
    );
  } else if (stack.name !== 'backend') {
    assertEqual(state.outputs.environment.value, stack.name, 'environment output in state');
  }
  return state;
}

/**
 * The first deploy as the README tells it: the backend stack with its state local, the bucket
 * created (the provider's job; here the emulator's JSON API), then `backendState: 'gcs'` and
 * `init -migrate-state` moves that state into the bucket. An environment cannot init before that.
 */
export async function firstDeployAndHandOver(ctx: TierContext): Promise<SynthStack[]> {
  const fixture = FIXTURES.find((f) => f.name === 'single')!;
  const root = join(ctx.work, fixture.name);
  const config = resolveFixture(fixture.spec);
  const stacks = synthesize(root, config);
  const bucket = config.environments[0].state.bucket;
  let current = stacks;

  await ctx.tally.check(
    "single/stage: init before the state bucket exists fails with terraform's message",
    () => {
      const dir = writeBackendOnly(stackOf(stacks, 'stage').dir, stackOf(stacks, 'stage').json);
      terraformFails(ctx.tf, dir, ['init', '-input=false'], /bucket doesn't exist|storage: bucket/);
    },
  );

  await ctx.tally.check(
    'single/backend: local state lands in ./backend.tfstate at the repository root',
    async () => {
      initApply(ctx, stackOf(stacks, 'backend'));
      const local = join(root, 'backend.tfstate');
      assert(existsSync(local), `${local} not written`);
      const state = JSON.parse(readFileSync(local, 'utf8'));
      assert(
        state.outputs.state_buckets.value.stage === `gs://${bucket}/docker-hosts/stage`,
        'state_buckets output',
      );
      await ctx.gcs.createBucket(bucket, config.environments[0].projectId);
    },
  );

  await ctx.tally.check(
    "single/backend: backendState 'gcs' + init -migrate-state moves its state into the bucket",
    async () => {
      const lineage = JSON.parse(readFileSync(join(root, 'backend.tfstate'), 'utf8')).lineage;
      const handedOver = synthesize(root, resolveFixture({ ...fixture.spec, backendState: 'gcs' }));
      current = handedOver;
      const backend = stackOf(handedOver, 'backend');
      assertEqual(
        backend.json.terraform.backend,
        { gcs: { bucket, prefix: 'docker-hosts/backend' } },
        'backend block',
      );
      const dir = writeBackendOnly(backend.dir, backend.json);
      // What `cdktf deploy backend` without --migrate-state runs into.
      terraformFails(ctx.tf, dir, ['init', '-input=false'], 'Backend configuration changed');
      // What `cdktf deploy backend --migrate-state` runs: init -migrate-state, answering "yes".
      const out = terraformOk(ctx.tf, dir, ['init', '-migrate-state'], 'yes\n');
      assert(/copy existing state to the new backend/i.test(out), `no migration prompt:\n${out}`);
      const state = await assertStateLanded(ctx, backend);
      assertEqual(state.lineage, lineage, 'lineage of the migrated state');
      terraformOk(ctx.tf, dir, ['plan', '-input=false', '-detailed-exitcode']);
    },
  );

  // The driver's order: backend, registry, environment (whose stack grants its hosts read access on the registry).
  await ctx.tally.check(
    'single/registry: state lands at docker-hosts/registry/default.tfstate',
    async () => {
      initApply(ctx, stackOf(stacks, 'registry'));
      await assertStateLanded(ctx, stackOf(stacks, 'registry'));
    },
  );

  await ctx.tally.check(
    'single/stage: state lands at docker-hosts/stage/default.tfstate',
    async () => {
      initApply(ctx, stackOf(stacks, 'stage'));
      await assertStateLanded(ctx, stackOf(stacks, 'stage'));
      const expected = ['backend', 'registry', 'stage'].map(
        (n) => `docker-hosts/${n}/default.tfstate`,
      );
      assertEqual(await ctx.gcs.list(bucket), expected, `objects in gs://${bucket}`);
    },
  );
  return current;
}

/** Every environment of the fleet fixture (two projects, two buckets) in its own state object. */
export async function fleetIsolation(ctx: TierContext): Promise<SynthStack[]> {
  const fixture = FIXTURES.find((f) => f.name === 'fleet')!;
  const config = resolveFixture(fixture.spec);
  const stacks = synthesize(join(ctx.work, fixture.name), config);
  const buckets = new Map(config.environments.map((env) => [env.state.bucket, env.projectId]));
  for (const [bucket, project] of buckets) await ctx.gcs.createBucket(bucket, project);

  for (const name of ['backend', 'registry', 'stage', 'lab']) {
    await ctx.tally.check(`fleet/${name}: state lands at its own prefix`, async () => {
      initApply(ctx, stackOf(stacks, name));
      await assertStateLanded(ctx, stackOf(stacks, name));
    });
  }
  await concurrentOperations(ctx, stackOf(stacks, 'prod'));

  await ctx.tally.check(
    'fleet: stage and prod share a bucket, never an object; no lock is left behind',
    async () => {
      const [stage, prod] = [
        stateObject(stackOf(stacks, 'stage').json),
        stateObject(stackOf(stacks, 'prod').json),
      ];
      assertEqual(stage.bucket, prod.bucket, 'stage and prod bucket');
      assert(stage.object !== prod.object, `stage and prod share ${stage.object}`);
      // The registry's state lives in the first environment's bucket, beside the environments of that project.
      const names = ['backend', 'prod', 'registry', 'stage'].map(
        (n) => `docker-hosts/${n}/default.tfstate`,
      );
      assertEqual(await ctx.gcs.list(stage.bucket), names, `objects in gs://${stage.bucket}`);
      assertEqual(
        await ctx.gcs.list('acme-lab-tfstate'),
        ['docker-hosts/lab/default.tfstate'],
        'gs://acme-lab-tfstate',
      );
      const [s, p] = await Promise.all([
        ctx.gcs.readJson(stage.bucket, stage.object),
        ctx.gcs.readJson(prod.bucket, prod.object),
      ]);
      assert(s.lineage !== p.lineage, 'stage and prod have one lineage');
    },
  );
  return stacks;
}

/**
 * An apply left at its approval prompt holds the lock: a plan of the same environment stops on it
 * with Terraform's lock message; once the apply is answered, the lock is gone and plans run.
 */
async function concurrentOperations(ctx: TierContext, stack: SynthStack): Promise<void> {
  const { bucket, object } = stateObject(stack.json);
  const lock = object.replace(/\.tfstate$/, '.tflock');
  const dir = writeBackendOnly(stack.dir, stack.json);
  await ctx.tally.check(
    'fleet/prod: a second operation stops on the state lock; released after the first',
    async () => {
      terraformOk(ctx.tf, dir, ['init', '-input=false']);
      const first = new RunningTerraform(ctx.tf, dir, ['apply']);
      try {
        await first.waitFor('Enter a value:');
        assert(
          (await ctx.gcs.list(bucket)).includes(lock),
          `no lock object gs://${bucket}/${lock} during the apply`,
        );
        const out = terraformFails(
          ctx.tf,
          dir,
          ['plan', '-input=false', '-lock-timeout=0s'],
          'Error acquiring the state lock',
        );
        assert(
          out.includes(`Path:      gs://${bucket}/${lock}`),
          `lock info does not name the lock object:\n${out}`,
        );
        assert(
          out.includes('Operation: OperationTypeApply'),
          `lock info does not name the apply:\n${out}`,
        );
        assertEqual(await first.answer('yes'), 0, 'exit code of the first apply');
      } finally {
        first.kill();
      }
      assert(
        !(await ctx.gcs.list(bucket)).includes(lock),
        `lock gs://${bucket}/${lock} left after the apply`,
      );
      await assertStateLanded(ctx, stack);
      terraformOk(ctx.tf, dir, ['plan', '-input=false', '-detailed-exitcode']);
    },
  );
}
