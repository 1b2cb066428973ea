import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The docker_host role's boot unit script (docker-hosts-release), run as its systemd unit runs it: its inputs
 * rendered by Ansible from the app role (tasks/boot_inputs.yml), a fake metadata server on loopback that also
 * answers the health path, and docker, nginx and systemctl replaced by a stub that records its arguments (the
 * real ones are proven on a throwaway host: test/hosts/boot-unit.sh).
 */
const ANSIBLE = resolve(__dirname, '../../ansible');
const SCRIPT = join(ANSIBLE, 'roles/docker_host/files/docker-hosts-release');
const KEY_PATH = '/computeMetadata/v1/instance/attributes/docker-hosts-release';
const IMAGE = `europe-west1-docker.pkg.dev/proj/apps/app@sha256:${'ab'.repeat(32)}`;

const dir = mkdtempSync(join(tmpdir(), 'release-unit-'));
const inputs = join(dir, 'inputs');
const stubs = join(dir, 'bin');
const calls = join(dir, 'calls.log');
let server: Server;
let port: number;
let release: string | undefined;
const requests: { url?: string; headers: IncomingHttpHeaders }[] = [];

/** The app role's boot inputs as Ansible writes them; then the container address is loopback (the fake app). */
function renderInputs(): void {
  const playbook = join(dir, 'inputs.yml');
  writeFileSync(
    playbook,
    JSON.stringify([
      {
        hosts: 'localhost',
        connection: 'local',
        gather_facts: false,
        tasks: [
          {
            'ansible.builtin.include_role': { name: 'app', tasks_from: 'boot_inputs.yml' },
            vars: { app_boot_dir: inputs },
          },
        ],
      },
    ]),
  );
  execFileSync('ansible-playbook', ['-i', 'localhost,', playbook], {
    env: { ...process.env, ANSIBLE_CONFIG: join(ANSIBLE, 'ansible.cfg') },
    stdio: 'pipe',
  });
  const settings = JSON.parse(readFileSync(join(inputs, 'settings.json'), 'utf8')) as Record<string, unknown>;
  expect(settings).toMatchObject({ network: 'docker-hosts-app', address: '172.29.92.10', init: true });
  settings.address = '127.0.0.1';
  settings.healthRetries = 0;
  settings.proxyDir = join(dir, 'nginx');
  settings.proxySite = join(dir, 'nginx', 'site.conf');
  writeFileSync(join(inputs, 'settings.json'), JSON.stringify(settings));
}

/** docker, nginx and systemctl: each call appended to calls.log; STUB_FAIL (";"-separated prefixes) fail. */
function writeStubs(): void {
  mkdirSync(stubs);
  const stub = join(stubs, 'stub');
  writeFileSync(
    stub,
    [
      '#!/bin/sh',
      'call="$(basename "$0") $*"',
      'echo "$call" >>"$STUB_LOG"',
      'IFS=";"',
      'for prefix in $STUB_FAIL; do case "$call" in "$prefix"*) echo "error: $prefix refused"; exit 1;; esac; done',
      'case "$call" in "docker ps "*) [ -z "$STUB_PS" ] || echo "$STUB_PS";; esac',
      '',
    ].join('\n'),
  );
  chmodSync(stub, 0o755);
  for (const name of ['docker', 'nginx', 'systemctl']) symlinkSync(stub, join(stubs, name));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url, headers: req.headers });
    if (req.url === '/healthz') {
      res.writeHead(200).end('ok');
      return;
    }
    const found = req.url === KEY_PATH && release !== undefined;
    res.writeHead(found ? 200 : 404, { 'Metadata-Flavor': 'Google' }).end(found ? release : '');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
  renderInputs();
  writeStubs();
}, 60_000);
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
  rmSync(calls, { force: true });
  rmSync(join(dir, 'nginx'), { recursive: true, force: true });
});

function releaseOf(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ name: 'app', image: IMAGE, port, containerPort: port, healthPath: '/healthz', ...fields });
}

/** Runs the script as the unit does; resolves with its exit code, stderr and the stubs' calls. */
function unit(stubEnv: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stderr: string; calls: string[] }>((done, failed) => {
    const child = spawn('python3', [SCRIPT], {
      env: {
        PATH: `${stubs}:${process.env.PATH ?? ''}`,
        DOCKER_HOSTS_METADATA_URL: `http://127.0.0.1:${port}`,
        DOCKER_HOSTS_RELEASE_DIR: inputs,
        STUB_LOG: calls,
        STUB_FAIL: '',
        STUB_PS: '',
        ...stubEnv,
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', failed);
    child.on('close', (code) => {
      const recorded = existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
      done({ code, stderr, calls: recorded });
    });
  });
}

describe('docker-hosts-release', () => {
  test('serves the release: pull by digest, run on the app network, then the proxy on its port', async () => {
    release = releaseOf();
    const run = await unit({ STUB_FAIL: 'docker image inspect' });
    expect(run.stderr).toContain(`serving ${IMAGE} on port ${port}`);
    expect(run.code).toBe(0);
    expect(run.calls).toEqual([
      `docker image inspect ${IMAGE}`,
      `docker pull --quiet ${IMAGE}`,
      'docker network inspect docker-hosts-app',
      'docker rm --force app',
      'docker run --detach --pull never --name app --label docker-hosts-release --network docker-hosts-app ' +
        `--ip 127.0.0.1 --restart unless-stopped --init ${IMAGE}`,
      'nginx -t -q',
      'systemctl reload-or-restart nginx',
    ]);
    expect(requests[0]).toMatchObject({ url: KEY_PATH, headers: { 'metadata-flavor': 'Google' } });
    const site = readFileSync(join(dir, 'nginx', 'site.conf'), 'utf8');
    expect(site).toContain(`listen ${port} default_server;`);
    expect(site).toContain('include /etc/nginx/docker-hosts/upstream.conf;');
    expect(readFileSync(join(dir, 'nginx', 'upstream.conf'), 'utf8')).toContain(`server 172.29.92.10:${port};`);
  });

  test('an image already on the host is not pulled again (a reboot)', async () => {
    release = releaseOf();
    const run = await unit();
    expect(run.code).toBe(0);
    expect(run.calls.filter((c) => c.startsWith('docker pull'))).toEqual([]);
  });

  test('a failed pull: exit 1, the reason, the containers it started and the site removed', async () => {
    release = releaseOf();
    mkdirSync(join(dir, 'nginx'));
    writeFileSync(join(dir, 'nginx', 'site.conf'), 'listen 1;');
    const run = await unit({ STUB_FAIL: 'docker image inspect;docker pull', STUB_PS: 'c0ffee' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`docker-hosts-release: pulling ${IMAGE} failed: error: docker pull refused`);
    expect(run.calls.slice(-3)).toEqual([
      'systemctl reload-or-restart nginx',
      'docker ps --all --quiet --filter label=docker-hosts-release',
      'docker rm --force c0ffee',
    ]);
    expect(run.calls.some((c) => c.startsWith('docker run'))).toBe(false);
    expect(existsSync(join(dir, 'nginx', 'site.conf'))).toBe(false);
  });

  test.each<[string, () => string | undefined, string]>([
    ['no key in the metadata', () => undefined, 'the instance has no metadata key docker-hosts-release: nothing to serve'],
    ['not JSON', () => '{', 'metadata docker-hosts-release is not JSON'],
    ['an unknown field', () => releaseOf({ replicas: 2 }), "unknown fields ['replicas'], missing fields none"],
    ['a missing field', () => JSON.stringify({ name: 'app' }), "missing fields ['image', 'port', 'containerPort', 'healthPath']"],
    ['an image by tag', () => releaseOf({ image: 'nginx:1.27' }), "image is 'nginx:1.27'; allowed: <repository>@sha256:"],
    ['a port out of range', () => releaseOf({ port: 70000 }), 'port is 70000; allowed: a port number 1 to 65535'],
    ['a health path without /', () => releaseOf({ healthPath: 'up' }), "healthPath is 'up'; allowed: a URL path"],
  ])('%s: exit 1, one line naming it, nothing pulled or run', async (_label, value, message) => {
    // (a function: the table is built before beforeAll knows the server's port)
    release = value();
    const run = await unit();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^docker-hosts-release: /);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.calls.filter((c) => /^docker (pull|run)/.test(c))).toEqual([]);
  });
});

test("the script's fallback metadata URL is the role's default (one fact, two places that must agree)", () => {
  const script = readFileSync(SCRIPT, 'utf8');
  const defaults = readFileSync(join(ANSIBLE, 'roles/docker_host/defaults/main.yml'), 'utf8');
  const fallback = /"DOCKER_HOSTS_METADATA_URL", "([^"]+)"/.exec(script)?.[1];
  expect(fallback).toBe('http://metadata.google.internal');
  expect(defaults).toContain(`docker_host_metadata_url: ${fallback}\n`);
});
