/**
 * Test harness for the driver: a throwaway repository root with stub packer/ and ansible/ (and the real lib/, scripts/ and
 * node_modules/ linked in), fake tools first on PATH, credentials and SSH keys in a temporary home, and main() run
 * in-process with captured output.
 */
import { EventEmitter } from 'node:events';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
  chmodSync,
} from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EnvironmentSpec, ProjectSpec } from '../../config';
import { main, MainDeps } from '../../driver/main';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const FAKES = ['packer', 'terraform', 'cdktf', 'ansible-playbook', 'docker', 'ssh'] as const;
const FAKE_SCRIPT = readFileSync(join(__dirname, 'fakes', 'fake-tool.sh'), 'utf8');
export const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForDriverTests0000000000000000000 deploy@test';

export interface Sandbox {
  readonly dir: string;
  readonly root: string;
  readonly bin: string;
  readonly home: string;
  readonly runBase: string;
  readonly log: string;
  readonly adc: string;
  readonly privateKey: string;
  cleanup(): void;
}

/** A fresh sandbox: call cleanup() in afterEach/afterAll. */
export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'driver-test-'));
  const root = join(dir, 'repo');
  const files: Record<string, string> = {
    'main.ts': '// stub app\n',
    'packer/docker-host.pkr.hcl': 'source "googlecompute" "docker-host-base" {}\n',
    'packer/variables.pkr.hcl': 'variable "project_id" { type = string }\n',
    'ansible/ansible.cfg': '[defaults]\n',
    'ansible/playbooks/site.yml': '- import_playbook: docker_host.yml\n',
    'ansible/roles/docker_host/tasks/main.yml': '- name: install docker\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  symlinkSync(join(REPO_ROOT, 'lib'), join(root, 'lib'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'scripts'), join(root, 'scripts'));

  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of FAKES) {
    writeFileSync(join(bin, tool), FAKE_SCRIPT);
    chmodSync(join(bin, tool), 0o755);
  }
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  const privateKey = join(home, '.ssh', 'docker-hosts');
  writeFileSync(privateKey, 'not a real key\n', { mode: 0o600 });
  const adc = join(home, 'adc.json');
  writeFileSync(adc, '{"type": "authorized_user"}\n');
  return {
    dir,
    root,
    bin,
    home,
    runBase: join(dir, 'run'),
    log: join(dir, 'calls.log'),
    adc,
    privateKey,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Two environments like config/environments.ts, deployable (project set, keys present), app on `port`. */
export function testSpec(sb: Sandbox, port = 9292, patch: Partial<EnvironmentSpec> = {}): ProjectSpec {
  const common = {
    projectId: 'test-project-123',
    // The fake hosts are on loopback: each on its own address, reached directly, not through an IAP tunnel.
    exposure: 'public-ips' as const,
    sshSourceRanges: ['127.0.0.0/8'],
    ssh: { user: 'deploy', publicKeys: [PUBLIC_KEY], privateKeyFile: sb.privateKey, connectVia: 'direct' as const },
    app: { image: 'example/app:1.0', port },
    ...patch,
  };
  return {
    environments: [
      { name: 'stage', region: 'europe-west1', zone: 'europe-west1-b', hostCount: 2, ...common },
      {
        name: 'prod',
        region: 'europe-west1',
        zone: 'europe-west1-d',
        hostCount: 3,
        machineType: 'e2-standard-2',
        ...common,
      },
    ],
  };
}

/** The environment a test run gets: nothing from the real one but PATH (after the fakes). */
export function testEnv(
  sb: Sandbox,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    PATH: `${sb.bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: sb.home,
    DOCKER_HOSTS_RUN_DIR: sb.runBase,
    DOCKER_HOSTS_CDKTF: 'cdktf',
    GOOGLE_APPLICATION_CREDENTIALS: sb.adc,
    FAKE_LOG: sb.log,
    ...extra,
  };
}

export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly all: string;
}

export async function runDriver(
  argv: string[],
  sb: Sandbox,
  options: {
    spec?: ProjectSpec;
    env?: Record<string, string | undefined>;
    signals?: EventEmitter;
    ask?: MainDeps['ask'];
    probe?: MainDeps['probe'];
    tty?: boolean;
  } = {},
): Promise<Captured> {
  let out = '';
  let err = '';
  let all = '';
  const code = await main(argv, {
    root: sb.root,
    env: options.env ?? testEnv(sb),
    home: sb.home,
    spec: options.spec ?? testSpec(sb),
    stdout: { write: (t: string) => void ((out += t), (all += t)), isTTY: options.tty ?? false, columns: 100 },
    stderr: { write: (t: string) => void ((err += t), (all += t)), isTTY: false },
    signals: options.signals ?? new EventEmitter(),
    ask: options.ask,
    probe: options.probe,
  });
  return { code, out, err, all };
}

export interface Call {
  readonly tool: string;
  readonly cwd: string;
  readonly checkpointDisable: string;
  readonly ansibleConfig: string;
  readonly args: string[];
}

/** The calls the fakes recorded, in order. */
export function calls(sb: Sandbox): Call[] {
  if (!existsSync(sb.log)) return [];
  return readFileSync(sb.log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [tool, cwd, checkpointDisable, ansibleConfig, ...args] = line.split('\x1f');
      return { tool, cwd, checkpointDisable, ansibleConfig, args };
    });
}

/** `tool arg1 arg2 …` per call. */
export function callLines(sb: Sandbox): string[] {
  return calls(sb).map((c) => [c.tool, ...c.args].join(' '));
}

/** A tiny app on loopback: answers `status` on every path. */
export async function startApp(status = 200): Promise<{ port: number; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end('hello from the app\n');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    port: (server.address() as AddressInfo).port,
    hits: () => hits,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const app = await startApp();
  await app.close();
  return app.port;
}

/** Waits (at most 6 s) until the fake tool FAKE_HANG names hangs (it creates `<log>.hanging`); whether it does. */
export async function untilHanging(sb: Sandbox): Promise<boolean> {
  for (let i = 0; i < 300 && !existsSync(`${sb.log}.hanging`); i++) await new Promise((r) => setTimeout(r, 20));
  return existsSync(`${sb.log}.hanging`);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export type App = Awaited<ReturnType<typeof startApp>>;

/**
 * A fresh sandbox and app server for each test, torn down after it: `assign` receives them (the test file keeps them
 * in its own variables), `setUp` does what one file adds before each test.
 */
export function sandboxAndAppEach(assign: (sb: Sandbox, app: App) => void, setUp?: () => void): void {
  let current: { sb: Sandbox; app: App } | undefined;
  beforeEach(async () => {
    current = { sb: makeSandbox(), app: await startApp() };
    assign(current.sb, current.app);
    setUp?.();
  });
  afterEach(async () => {
    await current?.app.close();
    current?.sb.cleanup();
  });
}
