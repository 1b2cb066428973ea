/**
 * The real entry point (driver/cli.ts, what `npm run pipeline` runs) as a process: exit codes, and a real
 * SIGINT/SIGTERM/SIGHUP delivered to the driver process while a (fake) tool runs. It runs from a copy of the
 * sources with the tests' own config in config/environments.ts, so the operator's config changes nothing here.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_PROJECT } from '../fixtures/project';
import { environmentsTs, fixtureRepo } from '../fixtures/repo';
import { callLines, makeSandbox, PUBLIC_KEY, Sandbox, testEnv } from './harness';

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

function fixtureRepoWithKeys(): string {
  const spec = {
    ...FIXTURE_PROJECT,
    environments: FIXTURE_PROJECT.environments.map((e) => ({ ...e, ssh: { ...e.ssh, publicKeys: [PUBLIC_KEY] } })),
  };
  return fixtureRepo(environmentsTs(spec));
}

let repo: string;
beforeAll(() => (repo = fixtureRepoWithKeys()));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  out: string;
  err: string;
}

function cli(args: string[], extraEnv: Record<string, string>, whenHanging?: (pid: number) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/run-app.cjs', 'driver/cli.ts', ...args], {
      cwd: repo,
      env: { ...testEnv(sb), ...extraEnv } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    if (whenHanging !== undefined) {
      const poll = setInterval(() => {
        if (existsSync(`${sb.log}.hanging`)) {
          clearInterval(poll);
          whenHanging(child.pid!);
        }
      }, 20);
      child.on('exit', () => clearInterval(poll));
    }
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('driver/cli.ts as a process', () => {
  it('exits 2 on an unknown environment, naming the configured ones', async () => {
    const result = await cli(['up', 'qa'], {});
    expect(result.code).toBe(2);
    expect(result.err).toContain('error: unknown environment "qa"; environments are: stage, prod');
  });

  it.each([
    ['SIGINT', 130, 'SIGINT'],
    ['SIGTERM', 143, 'SIGTERM'],
    // The terminal was closed: the child (in its own process group) gets SIGTERM, which Terraform handles gracefully.
    ['SIGHUP', 129, 'SIGTERM'],
  ] as const)(
    '%s: exits %d; the child gets %s once, and the driver says where it stopped',
    async (signal, code, forwarded) => {
      const result = await cli(['up', 'stage', '--only', 'packer-init'], { FAKE_HANG: 'packer init' }, (pid) =>
        process.kill(pid, signal),
      );
      expect(result.code).toBe(code);
      expect(readFileSync(`${sb.log}.signals`, 'utf8')).toBe(`packer got ${forwarded}\n`);
      expect(result.out).toMatch(/^\[2\/2\] install Packer plugins INTERRUPTED/m);
      expect(result.err).toContain(`Interrupted (${signal}) at step "packer-init": install Packer plugins`);
      expect(result.err).toContain('resume:    npm run pipeline -- up stage --only packer-init');
      expect(callLines(sb)).toEqual(['packer init packer/']);
      expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
    },
  );
});
