import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProjectConfig } from '../../config';
import { planStack } from '../../scripts/terraform/plan';
import { synthesize } from '../../scripts/terraform/synth';
import { offlineTerraform } from '../../scripts/terraform/offline';

/**
 * Plans every stack of config/environments.ts with the real provider (Terraform 1.5.7 and google 6.50.0 from
 * .ci/tools.sh, offline, local state) and writes `terraform show -json` of each to `<out>/<stack>.json`, for
 * Checkov's terraform_plan framework: the values as Terraform resolved them, which the synthesized JSON hides.
 */
function main(out: string): void {
  const { TERRAFORM_BIN: bin, TF_MIRROR_CONFIG: cliConfig } = process.env;
  if (!bin || !cliConfig)
    throw new Error('TERRAFORM_BIN and TF_MIRROR_CONFIG must be set (policies/checkov/run.sh)');
  const work = mkdtempSync(join(tmpdir(), 'checkov-plans-'));
  const tf = offlineTerraform(bin, cliConfig, work, 'http://127.0.0.1:1', 1);
  mkdirSync(join(work, 'plugin-cache'));
  const env = { ...tf.env, TF_PLUGIN_CACHE_DIR: join(work, 'plugin-cache') };
  const config = loadProjectConfig(undefined, { warn: () => undefined, home: '/home/ops' });
  for (const stack of synthesize(work, config)) {
    const planned = planStack({ bin, env }, stack, 'checkov');
    copyFileSync(join(planned.dir, 'plan.json'), join(out, `${stack.name}.json`));
  }
  rmSync(work, { recursive: true, force: true });
}

main(process.argv[2]);
