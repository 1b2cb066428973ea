import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_KEY } from './helpers';

const ROOT = resolve(__dirname, '..');
const APP: string[] = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')).app.split(' ');

/** Runs the app command of cdktf.json, with a clean environment and a throwaway output folder. */
function runMain(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'docker-hosts-main-'));
  const outdir = join(dir, 'cdktf.out');
  expect(APP[0]).toBe('node');
  const result = spawnSync(process.execPath, APP.slice(1), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: dir, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
  });
  return { ...result, dir, outdir };
}

describe('main.ts as a process', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('bad config: one-line error naming the field, non-zero exit, nothing written', () => {
    const run = runMain({ GOOGLE_PROJECT: 'Not_A_Project' });
    dirs.push(run.dir);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'config error: environment "stage": field "projectId (from GOOGLE_PROJECT)" must be 6-30 lowercase letters, ' +
        'digits and hyphens, starting with a letter, not ending with a hyphen (got "Not_A_Project")',
    ]);
    expect(existsSync(run.outdir)).toBe(false);
  });

  test('bad SSH key from the environment: same contract', () => {
    const run = runMain({ GOOGLE_PROJECT: 'acme-docker-hosts', DOCKER_HOSTS_SSH_PUBLIC_KEY: 'not a key' });
    dirs.push(run.dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'field "ssh.publicKey (from DOCKER_HOSTS_SSH_PUBLIC_KEY)" must be one OpenSSH public key line',
    );
    expect(existsSync(run.outdir)).toBe(false);
  });

  test('synth is deterministic: two runs write byte-identical stacks', () => {
    const env = { GOOGLE_PROJECT: 'acme-docker-hosts', DOCKER_HOSTS_SSH_PUBLIC_KEY: TEST_KEY };
    const [a, b] = [runMain(env), runMain(env)];
    dirs.push(a.dir, b.dir);
    for (const stack of ['backend', 'stage', 'prod']) {
      const file = join('stacks', stack, 'cdk.tf.json');
      expect(readFileSync(join(a.outdir, file), 'utf8')).toBe(readFileSync(join(b.outdir, file), 'utf8'));
    }
  });

  test('a fresh machine synthesizes with the placeholder project and says so once', () => {
    const run = runMain({ DOCKER_HOSTS_SSH_PUBLIC_KEY: TEST_KEY });
    dirs.push(run.dir);
    expect(run.status).toBe(0);
    expect(run.stderr.match(/example-project-change-me/g)).toHaveLength(1);
    expect(readdirSync(join(run.outdir, 'stacks')).sort()).toEqual(['backend', 'prod', 'registry', 'stage']);
    const backend = readFileSync(join(run.outdir, 'stacks', 'backend', 'cdk.tf.json'), 'utf8');
    // No absolute path of this machine leaks into the JSON people review.
    expect(backend).not.toContain(run.dir);
    expect(backend).not.toContain(ROOT);
    expect(JSON.parse(backend).terraform.backend.local.path).toBe('../../../backend.tfstate');
    // `cdktf deploy stage` alone must work: no stack may declare a dependency the CLI would demand.
    // With --parallelism 1 the CLI runs stacks in manifest order: backend first.
    const manifest = JSON.parse(readFileSync(join(run.outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)[0]).toBe('backend');
    for (const stack of Object.values(manifest.stacks) as { dependencies: string[] }[]) {
      expect(stack.dependencies).toEqual([]);
    }
  });
});
