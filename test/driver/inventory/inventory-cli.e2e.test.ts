/** driver/inventory/inventory-cli.ts as a process, run the way `npm run inventory` and the driver run it. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderInventory } from '../../../driver/inventory/inventory';
import { parseStackOutputs } from '../../../stacks/outputs-parser';
import { sampleOutputs, withStage } from './inventory-samples';

const ROOT = resolve(__dirname, '..', '..', '..');

describe('inventory-cli', () => {
  // Run the way `npm run inventory` and the driver run it.
  const launcher = join(ROOT, 'scripts', 'run-app.cjs');
  const cli = 'driver/inventory/inventory-cli.ts';
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'inventory-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the inventory atomically to --out and leaves no temp file', () => {
    const outputs = join(dir, 'outputs.json');
    writeFileSync(outputs, JSON.stringify(sampleOutputs()));
    const out = join(dir, 'inv', 'stage.yml');
    execFileSync(
      process.execPath,
      [launcher, cli, '--outputs', outputs, '--stack', 'stage', '--out', out],
      {
        stdio: 'pipe',
      },
    );
    expect(readFileSync(out, 'utf8')).toBe(
      renderInventory(parseStackOutputs(sampleOutputs(), 'stage')),
    );
    expect(readdirSync(join(dir, 'inv'))).toEqual(['stage.yml']);
  });

  it('exits 1 with a one-line error and writes nothing on bad input', () => {
    const outputs = join(dir, 'outputs.json');
    writeFileSync(outputs, JSON.stringify(withStage((s) => delete s.ssh_user)));
    const out = join(dir, 'stage.yml');
    const res = spawnSync(
      process.execPath,
      [launcher, cli, '--outputs', outputs, '--stack', 'stage', '--out', out],
      {
        encoding: 'utf8',
      },
    );
    expect(res.status).toBe(1);
    expect(res.stderr).toBe('inventory: stack "stage": missing output "ssh_user"\n');
    expect(existsSync(out)).toBe(false);
  });

  it('reports unreadable and non-JSON files, and bad usage', () => {
    const missing = spawnSync(
      process.execPath,
      [launcher, cli, '--outputs', join(dir, 'nope.json'), '--stack', 'stage'],
      {
        encoding: 'utf8',
      },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(
      /^inventory: cannot read outputs file .*nope\.json \(ENOENT\)\n$/,
    );

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    const notJson = spawnSync(
      process.execPath,
      [launcher, cli, '--outputs', bad, '--stack', 'stage'],
      {
        encoding: 'utf8',
      },
    );
    expect(notJson.status).toBe(1);
    expect(notJson.stderr).toMatch(/^inventory: .*bad\.json is not valid JSON: [^\n]*\n$/);

    const usage = spawnSync(process.execPath, [launcher, cli, '--stack', 'stage'], {
      encoding: 'utf8',
    });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^inventory: usage: /);
  });

  it('--gcp renders the gcp_compute template for one environment', () => {
    const out = join(dir, 'qa.gcp.yml');
    const result = spawnSync(process.execPath, [launcher, cli, '--gcp', 'qa', '--out', out], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('plugin: google.cloud.gcp_compute');
    expect(text).toContain('  - labels.env = qa\n');
    expect(text).not.toContain('__ENV__');
    const bad = spawnSync(process.execPath, [launcher, cli, '--gcp', 'QA!'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      'inventory: --gcp: "QA!" is not an environment name (lowercase letters, digits, hyphens)\n',
    );
  });
});
