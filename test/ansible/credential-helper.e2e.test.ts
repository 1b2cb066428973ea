import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The docker_host role's credential helper, run as Docker runs it, against a fake metadata server on loopback. */
const HELPER = resolve(__dirname, '../../ansible/roles/docker_host/files/docker-credential-gce-metadata');
const REGISTRY = 'europe-west1-docker.pkg.dev';
const TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token';
const TOKEN = 'ya29.fake-token-for-the-test';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}
const GOOD: Answer = {
  status: 200,
  headers: { 'Metadata-Flavor': 'Google', 'Content-Type': 'application/json' },
  body: JSON.stringify({ access_token: TOKEN, expires_in: 3599, token_type: 'Bearer' }),
};

let server: Server;
let base: string;
let answer: Answer = GOOD;
const requests: { url?: string; headers: IncomingHttpHeaders }[] = [];
const dir = mkdtempSync(join(tmpdir(), 'docker-credential-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url, headers: req.headers });
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  answer = GOOD;
  requests.length = 0;
});

function configFile(config: unknown): string {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

/** Runs the helper with `action`, `stdin` and a config; resolves with its exit code and output. */
function helper(action: string, stdin: string, config: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, failed) => {
    const child = spawn('python3', [HELPER, action], {
      env: { PATH: process.env.PATH ?? '', DOCKER_CREDENTIAL_GCE_METADATA_CONFIG: config },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', failed);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const listed = () => configFile({ token_url: `${base}${TOKEN_PATH}`, registries: [REGISTRY] });

describe('docker-credential-gce-metadata', () => {
  test('get: the access token as oauth2accesstoken, asked with Metadata-Flavor: Google', async () => {
    const run = await helper('get', `https://${REGISTRY}/v2/\n`, listed());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      ServerURL: `https://${REGISTRY}/v2/`,
      Username: 'oauth2accesstoken',
      Secret: TOKEN,
    });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe(TOKEN_PATH);
    expect(requests[0].headers['metadata-flavor']).toBe('Google');
  });

  test('get for a bare host name works too', async () => {
    const run = await helper('get', REGISTRY, listed());
    expect(JSON.parse(run.stdout).Secret).toBe(TOKEN);
  });

  test('a registry not in the config gets no token, and the metadata server is not asked', async () => {
    const run = await helper('get', 'https://registry.example.org/v2/', listed());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('credentials not found in native keychain\n');
    expect(requests).toHaveLength(0);
  });

  test.each<[string, Answer, string]>([
    ['an HTTP error', { ...GOOD, status: 403, body: 'no' }, 'metadata server answered HTTP 403 for'],
    [
      'an answer without Metadata-Flavor: Google',
      { ...GOOD, headers: { 'Content-Type': 'application/json' } },
      'is not a metadata server (no Metadata-Flavor: Google in its answer)',
    ],
    ['no access_token', { ...GOOD, body: '{"expires_in": 1}' }, "metadata server's answer from"],
    ['not JSON', { ...GOOD, body: '<html>' }, 'cannot get a token from'],
  ])('%s: exit 1, one line on stderr, no secret on stdout', async (_label, bad, message) => {
    answer = bad;
    const run = await helper('get', REGISTRY, listed());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^docker-credential-gce-metadata: /);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('nothing listening at the token URL', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const run = await helper('get', REGISTRY, configFile({ token_url: `http://127.0.0.1:${port}/`, registries: [REGISTRY] }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^docker-credential-gce-metadata: cannot get a token from http:\/\/127\.0\.0\.1:\d+\/: /);
  });

  test('list is empty; store and erase are refused (nothing is ever stored)', async () => {
    expect(await helper('list', '', listed())).toEqual({ code: 0, stdout: '{}\n', stderr: '' });
    const store = await helper('store', '{"ServerURL":"x","Username":"u","Secret":"s"}', listed());
    expect(store.code).toBe(1);
    expect(store.stderr).toContain('store is not supported');
  });

  test('a broken config is named', async () => {
    const run = await helper('get', REGISTRY, configFile({ registries: 'all' }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('registries must be a list of host names');
    expect((await helper('get', REGISTRY, configFile('{'))).stderr).toContain('cannot read config');
  });
});

test("the script's fallback token URL is the role's default (one fact, two places that must agree)", () => {
  const script = readFileSync(HELPER, 'utf8');
  const defaults = readFileSync(resolve(HELPER, '../../../host_common/defaults/main.yml'), 'utf8');
  const fallback = /^DEFAULT_TOKEN_URL = "([^"]+)"$/m.exec(script)?.[1];
  expect(fallback).toBe(`http://metadata.google.internal${TOKEN_PATH}`);
  expect(defaults).toMatch(new RegExp(`docker_host_metadata_token_url: >-\\n  ${fallback!.replace(/[.]/g, '\\.')}\\n`));
});
