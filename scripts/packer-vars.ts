/**
 * Writes the Packer variables the driver would generate for every environment of
 * config/environments.ts into a folder: `<dir>/<env>.pkrvars.json`. packer/validate.sh validates
 * the template against them, so the driver ↔ template contract is checked in CI.
 * Usage: node scripts/run-app.cjs scripts/packer-vars.ts <dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProjectConfig } from '../config';
import { packerVars } from '../driver/plan/tools';

const dir = process.argv[2];
if (dir === undefined || dir === '') {
  process.stderr.write('usage: node scripts/run-app.cjs scripts/packer-vars.ts <output-dir>\n');
  process.exit(2);
}
try {
  const config = loadProjectConfig();
  mkdirSync(dir, { recursive: true });
  for (const env of config.environments) {
    const file = join(dir, `${env.name}.pkrvars.json`);
    writeFileSync(file, `${JSON.stringify(packerVars(env, '0'.repeat(64)), null, 2)}\n`);
    process.stdout.write(`${file}\n`);
  }
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
