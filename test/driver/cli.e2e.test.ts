/**
 * The real entry point (driver/cli.ts, what `npm run pipeline` runs) as a process: exit codes, and a real
 * SIGINT/SIGTERM/SIGHUP delivered to the driver process while a (fake) tool runs. It runs from a copy of the
 * sources with the tests' own config in config/environments.ts, so the operator's config changes nothing here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_PROJECT } from '../fixtures/project';
import { environmentsTs, fixtureRepo, REPO_ROOT } from '../fixtures/repo';
import { callLines, makeSandbox, PUBLIC_KEY, Sandbox, testEnv } from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

function fixtureRepoWithKeys(): string {
  const spec = {
    ...FIXTURE_PROJECT,
    environments: FIXTURE_PROJECT.environments.map((e) => ({
      ...e,
      ssh: { ...e.ssh, publicKeys: [PUBLIC_KEY] },
    })),
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

function cli(
  args: string[],
  extraEnv: Record<string, string>,
  whenHanging?: (pid: number) => void,
): Promise<Exit> {
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

/** `npm run <args>` in the fixture repository, with the project's own `pipeline` script and a clean npm (HOME). */
function npmRun(args: string[]): Exit {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  writeFileSync(
    join(repo, 'package.json'),
    JSON.stringify({ name: 'fixture', private: true, scripts }),
  );
  const result = spawnSync('npm', ['run', ...args], {
    cwd: repo,
    env: testEnv(sb) as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('npm run pipeline: options npm takes for itself are refused, whatever npm does with them', () => {
  it.each([
    [['stage', '--only', 'check'], '--only check', 'stage --only check'],
    [['stage', '-n'], '-n', 'stage -n'],
    [['up', 'stage', '--dry-run'], '--dry-run', 'up stage --dry-run'],
  ])('npm run pipeline %j: exit 2, one line, nothing run', (args, took, intended) => {
    const result = npmRun(['-s', 'pipeline', ...args]);
    expect(result.code).toBe(2);
    expect(
      result.err
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('npm warn')),
    ).toEqual([
      `error: npm took ${took} for itself (without "--" the options after "npm run pipeline" are npm's), so nothing was run: use npx docker-hosts ${intended} (or npm run pipeline -- ${intended})`,
    ]);
    expect(result.out).toBe('');
    expect(callLines(sb)).toEqual([]);
  });

  it('errors and the usage point at the command the user typed: npm run pipeline --', () => {
    const lock = npmRun(['-s', 'pipeline', '--', 'lock', 'stage']);
    expect([lock.code, lock.err]).toEqual([
      2,
      'error: lock needs an action: npm run pipeline -- lock status|release|acquire <env> (got "stage")\nsee: npm run pipeline -- --help\n',
    ]);
    const bare = npmRun(['-s', 'pipeline']);
    expect(bare.code).toBe(2);
    expect(bare.err.split('\n')[0]).toBe(
      'usage: npm run pipeline -- <command> <env> [options]   (the command defaults to up)',
    );
    expect(bare.err).toContain(
      '  env <env> [host]             print shell lines pointing docker at a host: eval "$(npm run -s pipeline -- env stage)"',
    );
  });

  it('with "--" every option reaches the driver: npm run pipeline -- stage -n is a dry run', () => {
    const result = npmRun(['-s', 'pipeline', '--', 'stage', '-n']);
    expect([result.code, result.err]).toEqual([0, '']);
    expect(result.out).toContain('dry run');
    expect(callLines(sb)).toEqual([]);
  });
});

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
      const result = await cli(
        ['up', 'stage', '--only', 'packer-init'],
        { FAKE_HANG: 'packer init' },
        (pid) => process.kill(pid, signal),
      );
      expect(result.code).toBe(code);
      expect(readFileSync(`${sb.log}.signals`, 'utf8')).toBe(`packer got ${forwarded}\n`);
      expect(result.out).toMatch(/^\[2\/2\] install Packer plugins INTERRUPTED/m);
      expect(result.err).toContain(
        `Interrupted (${signal}) at step "packer-init": install Packer plugins`,
      );
      expect(result.err).toContain('resume:    npx docker-hosts up stage --only packer-init');
      expect(callLines(sb)).toEqual(['packer init packer/']);
      expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
    },
  );
});
