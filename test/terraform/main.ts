import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokenStackCheck, structureChecks, synthesisChecks } from './config-checks';
import { TierContext } from './context';
import { freePort, GcsEmulator } from './emulator';
import { runTier, Tally, tierTools } from './harness';
import { otherTerraform, planChecks } from './plan-checks';
import { firstDeployAndHandOver, fleetIsolation } from './state-checks';
import { offlineTerraform, Tf, terraformOk } from './terraform';

/**
 * `npm run test:terraform`: the synthesized stacks handed to a real Terraform 1.5.7 whose gcs
 * backend talks to fake-gcs-server on 127.0.0.1. test/terraform/run.sh builds the tools and sets
 * TERRAFORM_BIN, FAKE_GCS_BIN and TF_MIRROR_CONFIG (the provider's filesystem mirror).
 */
async function main(): Promise<number> {
  const { terraformBin, fakeGcsBin, cliConfig } = tierTools(process.env, 'test/terraform/run.sh');
  const work = mkdtempSync(join(tmpdir(), 'docker-hosts-tf-'));
  const gcs = await GcsEmulator.start(fakeGcsBin, join(work, 'fake-gcs-server.log'));
  const tally = new Tally();
  try {
    const ctx: TierContext = {
      tf: withPluginCache(
        offlineTerraform(terraformBin, cliConfig, work, gcs.endpoint, await freePort()),
        work,
      ),
      gcs,
      tally,
      work,
    };
    await tally.check('terraform is 1.5.7, the oldest version the project supports', () => {
      const out = terraformOk(ctx.tf, work, ['version']);
      if (!out.startsWith('Terraform v1.5.7')) throw new Error(`got ${out.split('\n')[0]}`);
    });
    await synthesisChecks(ctx);
    await structureChecks(ctx, 'single', await firstDeployAndHandOver(ctx));
    await structureChecks(ctx, 'fleet', await fleetIsolation(ctx));
    await brokenStackCheck(ctx);
    report('1.5.7', await planChecks(ctx, ctx.tf, '1.5.7'));
    const other = otherTerraform(ctx.tf);
    if (typeof other === 'string')
      console.log(`SKIP the plan checks on a second terraform: ${other}`);
    else report(other.version, await planChecks(ctx, other.tf, other.version));
  } finally {
    await gcs.stop();
    if (process.env.KEEP_WORK) console.log(`work folder kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  return tally.close();
}

/** One provider copy for every `init` of the run (terraform links it from the cache instead of copying 126 MB). */
function withPluginCache(tf: Tf, work: string): Tf {
  const cache = join(work, 'plugin-cache');
  mkdirSync(cache);
  return { bin: tf.bin, env: { ...tf.env, TF_PLUGIN_CACHE_DIR: cache } };
}

function report(version: string, seconds: number[]): void {
  const max = Math.max(...seconds).toFixed(1);
  const mean = (seconds.reduce((a, b) => a + b, 0) / seconds.length).toFixed(1);
  console.log(
    `terraform ${version}: ${seconds.length} stacks planned, plan ${mean} s mean, ${max} s max`,
  );
}

runTier(main);
