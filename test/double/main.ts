import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, GcsEmulator } from '../terraform/emulator';
import { runTier, Tally, tierTools } from '../terraform/harness';
import { offlineTerraform } from '../terraform/terraform';
import { lifecycleChecks, unknownPathCheck } from './checks';
import { DoubleContext } from './context';
import { faultChecks } from './fault-checks';
import { LB_SECRET, LOAD_BALANCER, MANAGED, PUBLIC_IPS } from './fixtures';
import { managedChecks } from './managed-checks';
import { GoogleDouble } from './server';

/**
 * `npm run test:google-double`: the synthesized stacks applied, planned and destroyed by Terraform 1.5.7 and
 * the real Google provider against the local double of Google's APIs (state on fake-gcs-server).
 */
async function main(): Promise<number> {
  const { terraformBin, fakeGcsBin, cliConfig } = tierTools(process.env, 'test/double/run.sh');
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'docker-hosts-double-'));
  const gcs = await GcsEmulator.start(fakeGcsBin, join(work, 'fake-gcs-server.log'));
  const double = await GoogleDouble.start(join(work, 'requests.jsonl'));
  const tally = new Tally();
  try {
    const tf = offlineTerraform(terraformBin, cliConfig, work, gcs.endpoint, await freePort());
    const ctx: DoubleContext = {
      tf: { bin: tf.bin, env: { ...tf.env, ...double.endpoints() } },
      gcs,
      double,
      tally,
      work,
    };
    const only = process.env.DOUBLE_ONLY; // public-ips, faults, lb or managed: one part, while working on the double
    if (!only || only === 'public-ips') await lifecycleChecks(ctx, PUBLIC_IPS);
    if (!only || only === 'faults') await faultChecks(ctx, PUBLIC_IPS);
    if (!only || only === 'lb') {
      double.publishSecret(LOAD_BALANCER.spec.environments[0].projectId!, LB_SECRET);
      await lifecycleChecks(ctx, LOAD_BALANCER);
    }
    if (!only || only === 'managed') await managedChecks(ctx, MANAGED, ['web', 'scale']);
    await unknownPathCheck(ctx);
  } finally {
    await double.stop();
    await gcs.stop();
    if (process.env.KEEP_WORK) console.log(`work folder kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  console.log(
    `${double.log.length} requests served; wall time ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return tally.close();
}

runTier(main);
