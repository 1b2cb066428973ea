import { EventEmitter } from 'node:events';
/** Unit tests of the driver's small parts: lock, preflight checks, HTTP check, image hash, formatting. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveProject } from '../../config';
import { checkTargets, probe } from '../../driver/tasks/check';
import {
  commandLine,
  displayPath,
  formatDuration,
  makeStyle,
  runStamp,
  shellQuote,
} from '../../driver/format';
import { imageSourceHash } from '../../driver/plan/image-hash';
import { acquireLock, LockHeldError, readLock, releaseLock } from '../../driver/lock';
import {
  checkPrerequisites,
  describeProblems,
  parseVersion,
  PreflightInput,
  which,
} from '../../driver/preflight';
import { defaultProbe } from '../../driver/preflight/tools';
import { Executor } from '../../driver/exec/exec';
import { closedPort, startApp } from './harness';
import { providerVersions } from '../../driver/review/saved-plan';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'driver-unit-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("a saved plan's providers", () => {
  // As `terraform init` writes the lock file: from the registry (every platform's zh: checksums) or from the runs'
  // shared cache (the h1: of this platform only).
  const lock = (version: string, hashes: string[]) =>
    `provider "registry.terraform.io/hashicorp/google" {\n  version     = "${version}"\n  constraints = "${version}"\n` +
    `  hashes = [\n${hashes.map((h) => `    "${h}",\n`).join('')}  ]\n}\n`;

  it('are the versions the lock file pins, wherever the provider came from', () => {
    const file = (text: string) => {
      const path = join(dir, `${Math.random()}.hcl`);
      writeFileSync(path, text);
      return path;
    };
    const registry = providerVersions(file(lock('6.50.0', ['h1:a=', 'zh:0123', 'zh:4567'])));
    expect(registry).toBe('registry.terraform.io/hashicorp/google 6.50.0');
    expect(providerVersions(file(lock('6.50.0', ['h1:a='])))).toBe(registry);
    expect(providerVersions(file(lock('6.51.0', ['h1:b='])))).not.toBe(registry);
  });
});

describe('lock', () => {
  // Above the kernel's PID_MAX_LIMIT (2^22): no process can have it.
  const DEAD = 2 ** 22 + 12345;
  const details = (path: string) => JSON.parse(readFileSync(join(path, 'details.json'), 'utf8'));
  const lockAt = (path: string, info: object) => {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'details.json'), JSON.stringify(info));
  };

  it('is exclusive while its holder lives, and released by its holder', () => {
    const path = join(dir, 'stage', 'lock');
    const first = acquireLock(path, 'up stage', { now: new Date('2026-11-26T17:30:00.000Z') });
    expect(details(path)).toEqual({
      pid: process.pid,
      command: 'up stage',
      startedAt: '2026-11-26T17:30:00.000Z',
      holder: expect.stringMatching(new RegExp(`.+@${hostname()}$`)),
    });
    // The holder is this jest worker, alive: a second run is refused, even from the same process.
    expect(() => acquireLock(path, 'destroy stage')).toThrow(LockHeldError);
    expect(() => acquireLock(path, 'destroy stage')).toThrow(
      `pid ${process.pid} (up stage), started 2026-11-26T17:30`,
    );
    first.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path, 'destroy stage').release();
  });

  it('takes over a lock whose process is gone from this machine, saying what it replaced', () => {
    const path = join(dir, 'lock');
    lockAt(path, { pid: DEAD, command: 'up stage', startedAt: 'then' });
    const lock = acquireLock(path, 'up stage');
    expect(lock.replaced).toEqual({ pid: DEAD, command: 'up stage', startedAt: 'then' });
    expect(details(path).pid).toBe(process.pid);
    lock.release();
    lockAt(path, {
      pid: DEAD,
      command: 'up stage',
      startedAt: 'then',
      holder: `ops@${hostname()}`,
    });
    expect(acquireLock(path, 'up stage').replaced?.holder).toBe(`ops@${hostname()}`);
    expect(readdirSync(dir)).toEqual(['lock']);
  });

  it('never takes over a lock from another machine or without readable details: only lock release removes it', () => {
    const path = join(dir, 'lock');
    lockAt(path, {
      pid: DEAD,
      command: 'up stage',
      startedAt: 'then',
      holder: 'ops@some-other-machine',
    });
    expect(() => acquireLock(path, 'up stage')).toThrow(
      /pid \d+ \(up stage\), started then by ops@some-other-machine/,
    );
    releaseLock(path);
    // Just made by a run that is starting, or left by a crash: no age tells them apart, so both wait for a person.
    mkdirSync(path);
    utimesSync(path, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    expect(() => acquireLock(path, 'up stage')).toThrow(
      /pid 0 \(another run that is starting, or a broken lock\)/,
    );
    writeFileSync(join(path, 'details.json'), '{"pid": 12');
    expect(() => acquireLock(path, 'up stage')).toThrow(
      /another run that is starting, or a broken lock/,
    );
    // Valid JSON, but not a lock's details: just as unreadable (lock status must not trip over it).
    writeFileSync(join(path, 'details.json'), 'null');
    expect(readLock(path)?.command).toBe('another run that is starting, or a broken lock');
    releaseLock(path);
    expect(acquireLock(path, 'up stage').replaced).toBeUndefined();
  });

  it('a refusal says why the lock exists and how to release it', () => {
    const path = join(dir, 'cdktf.lock');
    acquireLock(path, 'up prod');
    expect(() => acquireLock(path, 'up stage')).toThrow(
      /Wait for it to finish.*: rm -r .*cdktf\.lock$/,
    );
    const release = (env: string) => `lock release ${env}`;
    const second = () => acquireLock(path, 'up stage', { why: 'shared by all', release });
    // The hint names the holder's environment (prod), never the refused run's (stage).
    expect(second).toThrow(
      /pid \d+ \(up prod\), started .*\.\nshared by all\nWait for it.*: lock release prod$/,
    );
  });

  it("a lock records its run's environment; the hint releases that one", () => {
    const path = join(dir, 'cdktf.lock');
    acquireLock(path, 'status qa-2', { environment: 'qa-2' });
    expect(readLock(path)?.environment).toBe('qa-2');
    const release = (env: string) => `lock release ${env}`;
    expect(() => acquireLock(path, 'plan prod', { environment: 'prod', release })).toThrow(
      /\(status qa-2\).*: lock release qa-2$/s,
    );
  });

  it('its holder removes only its own lock; lock release removes whatever is there', () => {
    const path = join(dir, 'lock');
    const mine = acquireLock(path, 'up stage');
    writeFileSync(
      join(path, 'details.json'),
      JSON.stringify({ pid: 2, command: 'up stage', startedAt: 'now' }),
    );
    mine.release();
    expect(existsSync(path)).toBe(true);
    releaseLock(path);
    expect(existsSync(path)).toBe(false);
  });
});

describe('preflight', () => {
  const project = resolveProject(
    {
      environments: [
        {
          name: 'stage',
          region: 'europe-west1',
          zone: 'europe-west1-b',
          projectId: 'acme-123456',
          ssh: {
            publicKeys: [
              'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm9Ylq0bW5UkGb0V6nWqf3cQ6x1d0bG6wqKq6b4mJ5e ops',
            ],
          },
        },
      ],
    },
    { home: '/nonexistent' },
  );
  const input = (overrides: Partial<PreflightInput>): PreflightInput => ({
    requirements: [],
    files: [],
    root: dir,
    env: { PATH: '' },
    home: dir,
    cdktf: 'cdktf',
    config: { ok: true, value: project.environments[0] },
    probe: async () => '', // it ran and printed no version
    ...overrides,
  });

  it('parses the versions the tools print', () => {
    expect(parseVersion('Packer v1.6.6')).toEqual([1, 6, 6]);
    expect(parseVersion('Terraform v1.11.4\non linux_amd64')).toEqual([1, 11, 4]);
    expect(parseVersion('ansible-playbook [core 2.14.18]\n  config file = None')).toEqual([
      2, 14, 18,
    ]);
    expect(parseVersion('no digits')).toBeUndefined();
  });

  it('finds executables on PATH only', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(bin, 'data'), 'x', { mode: 0o644 });
    expect(which('tool', `/nonexistent:${bin}`)).toBe(join(bin, 'tool'));
    expect(which('data', bin)).toBeUndefined();
    expect(which(join(bin, 'tool'), '')).toBe(join(bin, 'tool'));
  });

  it('credentials: an explicit key file, the gcloud ADC file, or a token variable', async () => {
    const check = async (env: Record<string, string>) =>
      (await checkPrerequisites(input({ requirements: ['credentials'], env })))[0];
    expect(await check({})).toMatchObject({
      ok: false,
      fix: expect.stringContaining('gcloud auth application-default login'),
    });
    mkdirSync(join(dir, '.config', 'gcloud'), { recursive: true });
    writeFileSync(join(dir, '.config', 'gcloud', 'application_default_credentials.json'), '{}');
    expect(await check({})).toMatchObject({ ok: true });
    expect(
      await check({ GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'missing.json') }),
    ).toMatchObject({ ok: false });
    expect(await check({ CLOUDSDK_CONFIG: join(dir, 'elsewhere') })).toMatchObject({ ok: false });
    expect(
      await check({ CLOUDSDK_CONFIG: join(dir, 'elsewhere'), GOOGLE_OAUTH_ACCESS_TOKEN: 't' }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('OS Login: the public key file must exist, and preflight says how to put it on the OS Login profile', async () => {
    const osLogin = (home: string) =>
      resolveProject(
        {
          environments: [
            {
              name: 'stage',
              region: 'europe-west1',
              zone: 'europe-west1-b',
              projectId: 'acme-123456',
              ssh: { osLogin: true, user: 'ops_example_com' },
            },
          ],
        },
        { home },
      ).environments[0];
    const check = async (home: string) =>
      (
        await checkPrerequisites(
          input({ requirements: ['ssh-public-key'], config: { ok: true, value: osLogin(home) } }),
        )
      )[0];
    const register = `gcloud compute os-login ssh-keys add --key-file ${join(dir, '.ssh', 'docker-hosts.pub')}`;
    expect(await check(dir)).toMatchObject({ ok: false, fix: expect.stringContaining(register) });
    mkdirSync(join(dir, '.ssh'));
    writeFileSync(join(dir, '.ssh', 'docker-hosts.pub'), 'ssh-ed25519 AAAA ops\n');
    expect(await check(dir)).toMatchObject({
      ok: true,
      summary: expect.stringContaining(register),
    });
  });

  it('a tool whose version cannot be read passes with a note; missing files are named', async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'terraform'), '#!/bin/sh\n', { mode: 0o755 });
    const findings = await checkPrerequisites(
      input({
        requirements: ['terraform', 'ssh-private-key'],
        files: ['packer/'],
        env: { PATH: bin },
      }),
    );
    expect(findings.map((f) => [f.ok, f.summary])).toEqual([
      [true, `terraform: ${join(bin, 'terraform')} (version unknown)`],
      [
        false,
        'SSH private key (ssh.privateKeyFile): /nonexistent/.ssh/docker-hosts does not exist (Ansible logs in with it)',
      ],
      [false, 'file: packer/ is missing from the checkout'],
    ]);
    expect(describeProblems(findings)).toEqual([
      '✗ SSH private key (ssh.privateKeyFile): /nonexistent/.ssh/docker-hosts does not exist (Ansible logs in with it)',
      '    fix: ssh-keygen -t ed25519 -f /nonexistent/.ssh/docker-hosts -C deploy, or set ssh.privateKeyFile in config/environments.ts',
      '✗ file: packer/ is missing from the checkout',
      '    fix: check `git status`; restore it from git',
    ]);
  });

  it('a tool whose --version exits 127 or cannot start fails preflight, naming the command', async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'terraform'),
      '#!/bin/sh\necho "libfoo.so: not found" >&2\nexit 127\n',
      { mode: 0o755 },
    );
    writeFileSync(join(bin, 'packer'), '#!/nonexistent/interpreter\n', { mode: 0o755 });
    const env = { PATH: bin };
    const io = {
      signals: new EventEmitter(),
      err: { write: () => true },
      style: makeStyle(false, {}),
      env,
      root: dir,
    };
    const probe = defaultProbe(new Executor(io), env);
    const findings = await checkPrerequisites(
      input({ requirements: ['terraform', 'packer'], env, probe }),
    );
    expect(findings.map((f) => [f.ok, f.summary])).toEqual([
      [
        false,
        `terraform: \`${join(bin, 'terraform')} version\` did not start or exited 126/127: it cannot run`,
      ],
      [
        false,
        `packer: \`${join(bin, 'packer')} version\` did not start or exited 126/127: it cannot run`,
      ],
    ]);
  });

  it('the project cdktf missing says to run npm ci', async () => {
    const [finding] = await checkPrerequisites(
      input({ requirements: ['cdktf'], cdktf: join(dir, 'node_modules', '.bin', 'cdktf') }),
    );
    expect(finding).toEqual({
      requirement: 'cdktf',
      ok: false,
      summary: 'cdktf: node_modules/.bin/cdktf not found',
      fix: 'run `npm ci` in the repository root (cdktf-cli is a devDependency)',
    });
  });
});

describe('HTTP check', () => {
  // The first fetch() of a process loads Node's HTTP client (undici): not part of the timings measured here.
  beforeAll(async () => {
    await fetch(`http://127.0.0.1:${await closedPort()}/`).catch(() => undefined);
  });

  it('passes a host that answers 2xx, names the ones that do not', async () => {
    const ok = await startApp(200);
    const broken = await startApp(502);
    const closed = await closedPort();
    try {
      const results = await checkTargets(
        [
          { host: 'a', url: `http://127.0.0.1:${ok.port}/` },
          { host: 'b', url: `http://127.0.0.1:${broken.port}/` },
          { host: 'c', url: `http://127.0.0.1:${closed}/` },
        ],
        { deadlineMs: 300, attemptTimeoutMs: 200, intervalMs: 100 },
      );
      expect(results.map((r) => [r.host, r.ok, r.detail.replace(/\d+ms/, 'Nms')])).toEqual([
        ['a', true, 'HTTP 200 in Nms'],
        ['b', false, 'HTTP 502 in Nms'],
        ['c', false, 'connection refused'],
      ]);
      expect(results[0].attempts).toBe(1);
      expect(results[1].attempts).toBeGreaterThan(1);
    } finally {
      await ok.close();
      await broken.close();
    }
  });

  it('retries until the app comes up', async () => {
    const port = await closedPort();
    const later = new Promise<Awaited<ReturnType<typeof startApp>>>((resolve) =>
      setTimeout(async () => {
        const { createServer } = await import('node:http');
        const server = createServer((_q, s) => s.end('up'));
        server.listen(port, '127.0.0.1', () =>
          resolve({
            port,
            hits: () => 0,
            close: () => new Promise<void>((r) => server.close(() => r())),
          }),
        );
      }, 60),
    );
    const [result] = await checkTargets([{ host: 'a', url: `http://127.0.0.1:${port}/` }], {
      deadlineMs: 3000,
      attemptTimeoutMs: 500,
      intervalMs: 20,
    });
    await (await later).close();
    expect(result.ok).toBe(true);
    expect(result.attempts).toBeGreaterThan(1);
  });

  it('a request that hangs times out', async () => {
    const { createServer } = await import('node:http');
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const result = await probe(`http://127.0.0.1:${port}/`, 60);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    expect(result).toEqual({ ok: false, detail: 'no answer within 0.1s' });
  });
});

describe('image source hash', () => {
  it('changes with the template, the role and the variables, and ignores caches', () => {
    mkdirSync(join(dir, 'packer', 'packer_cache'), { recursive: true });
    mkdirSync(join(dir, 'ansible', 'roles', 'docker_host', 'tasks'), { recursive: true });
    mkdirSync(join(dir, 'ansible', 'roles', 'app'), { recursive: true });
    writeFileSync(join(dir, 'packer', 'a.pkr.hcl'), 'a');
    writeFileSync(join(dir, 'ansible', 'roles', 'docker_host', 'tasks', 'main.yml'), 'x');
    const base = imageSourceHash(dir, { zone: 'z' });
    expect(imageSourceHash(dir, { zone: 'z' })).toBe(base);
    writeFileSync(join(dir, 'packer', 'packer_cache', 'big.iso'), 'cache');
    writeFileSync(join(dir, 'ansible', 'roles', 'app', 'main.yml'), 'app role is not in the image');
    expect(imageSourceHash(dir, { zone: 'z' })).toBe(base);
    expect(imageSourceHash(dir, { zone: 'y' })).not.toBe(base);
    writeFileSync(join(dir, 'ansible', 'roles', 'docker_host', 'tasks', 'main.yml'), 'y');
    expect(imageSourceHash(dir, { zone: 'z' })).not.toBe(base);
  });

  it('covers everything Packer runs: the image playbook and ansible.cfg, not the site playbook', () => {
    mkdirSync(join(dir, 'packer'), { recursive: true });
    mkdirSync(join(dir, 'ansible', 'playbooks'), { recursive: true });
    writeFileSync(join(dir, 'packer', 'a.pkr.hcl'), 'a');
    const hashes = new Set<string>();
    const add = () => hashes.add(imageSourceHash(dir, {}));
    add();
    writeFileSync(join(dir, 'ansible', 'playbooks', 'site.yml'), 'the live hosts, not the image');
    add();
    expect(hashes.size).toBe(1);
    writeFileSync(join(dir, 'ansible', 'playbooks', 'image.yml'), '- hosts: docker_hosts');
    add();
    writeFileSync(join(dir, 'ansible', 'playbooks', 'image.yml'), '- hosts: all');
    add();
    writeFileSync(join(dir, 'ansible', 'ansible.cfg'), '[defaults]\n');
    add();
    writeFileSync(join(dir, 'ansible', 'ansible.cfg'), '[defaults]\nforks = 5\n');
    add();
    expect(hashes.size).toBe(5);
  });

  it('hashes var files Packer loads by itself (*.auto.pkrvars.json), not the ones passed with -var-file', () => {
    mkdirSync(join(dir, 'packer'), { recursive: true });
    writeFileSync(join(dir, 'packer', 'a.pkr.hcl'), 'a');
    const base = imageSourceHash(dir, {});
    writeFileSync(join(dir, 'packer', 'stage.pkrvars.json'), '{"zone": "z"}');
    expect(imageSourceHash(dir, {})).toBe(base);
    writeFileSync(join(dir, 'packer', 'net.auto.pkrvars.json'), '{"use_iap": true}');
    expect(imageSourceHash(dir, {})).not.toBe(base);
  });
});

describe('format', () => {
  it('quotes for display only where needed', () => {
    expect(shellQuote('packer/')).toBe('packer/');
    expect(shellQuote('-var-file=/a b.json')).toBe(`'-var-file=/a b.json'`);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe(`''`);
    expect(commandLine('cdktf', ['deploy', 'stage', '@x'])).toBe('cdktf deploy stage @x');
  });

  it('a printed or logged command line never shows a build-arg value, only its name', () => {
    const args = [
      'build',
      '--build-arg',
      'RUBY_VERSION=3.3',
      '--build-arg',
      'APP_SEED=s3cr3t=x',
      'app',
    ];
    expect(commandLine('docker', args)).toBe(
      "docker build --build-arg 'RUBY_VERSION=…' --build-arg 'APP_SEED=…' app",
    );
    expect(commandLine('docker', args)).not.toContain('s3cr3t');
  });

  it('durations, paths, tails, stamps, colours', () => {
    expect(formatDuration(420)).toBe('0.4s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(displayPath('/repo/.run/x', '/repo')).toBe('.run/x');
    expect(displayPath('/elsewhere/x', '/repo')).toBe('/elsewhere/x');
    expect(runStamp(new Date('2025-03-04T05:06:07.890Z'))).toBe('20250304T050607Z');
    expect(makeStyle(true, {}).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(makeStyle(true, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(makeStyle(false, {}).red('x')).toBe('x');
  });
});
