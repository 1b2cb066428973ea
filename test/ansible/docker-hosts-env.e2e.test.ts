import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The app role's env-file writer (issue 24), run as the role runs it, against a fake metadata server and a fake
 * Secret Manager on loopback: the values land in a 0600 file and nowhere in its output.
 */
const HELPER = resolve(__dirname, '../../ansible/roles/app/files/docker-hosts-env');
const TOKEN = 'ya29.token-of-the-env-test';
const SECRETS: Record<string, string> = {
  'db-password': 'pw-Zq81-never-printed\n',
  'api-key': 'key-77-also-secret',
  'two-lines': 'a\nb',
};

let server: Server;
let base: string;
const seen: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'docker-hosts-env-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization ?? req.headers['metadata-flavor'] ?? ''}`);
    if (req.url === '/token' && req.headers['metadata-flavor'] === 'Google') {
      res.writeHead(200).end(JSON.stringify({ access_token: TOKEN }));
      return;
    }
    const m = /^\/v1\/projects\/p-1\/secrets\/([^/]+)\/versions\/(\w+):access$/.exec(req.url ?? '');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) res.writeHead(403).end('{}');
    else if (m === null || SECRETS[m[1]] === undefined) res.writeHead(404).end('{}');
    else
      res
        .writeHead(200)
        .end(JSON.stringify({ payload: { data: Buffer.from(SECRETS[m[1]]).toString('base64') } }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

function writer(out: string, entries: unknown, project = 'p-1') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, failed) => {
    const child = spawn('python3', [
      HELPER,
      `--out=${out}`,
      `--token-url=${base}/token`,
      `--secret-manager-url=${base}`,
      `--project=${project}`,
    ]);
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', failed);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(JSON.stringify(entries));
  });
}

const DB = { name: 'DB_PASSWORD', secret: 'db-password', version: 'latest' };
const API = { name: 'API_KEY', secret: 'api-key', version: '3' };

test('writes NAME=value lines, 0600 in a 0700 folder; says changed, then unchanged; prints no value', async () => {
  const out = join(dir, 'run', 'app.env');
  const first = await writer(out, [DB, API]);
  expect(first).toEqual({ code: 0, stdout: 'changed\n', stderr: '' });
  expect(readFileSync(out, 'utf8')).toBe('DB_PASSWORD=pw-Zq81-never-printed\nAPI_KEY=key-77-also-secret\n');
  expect(statSync(out).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o700);
  expect(seen).toContain(`/v1/projects/p-1/secrets/api-key/versions/3:access Bearer ${TOKEN}`);
  expect((await writer(out, [DB, API])).stdout).toBe('unchanged\n');
  expect((await writer(out, [DB])).stdout).toBe('changed\n');
  expect(readFileSync(out, 'utf8')).toBe('DB_PASSWORD=pw-Zq81-never-printed\n');
});

test('no secrets: an empty file, no token asked for', async () => {
  const out = join(dir, 'empty.env');
  seen.length = 0;
  expect((await writer(out, [], '')).code).toBe(0);
  expect(readFileSync(out, 'utf8')).toBe('');
  expect(seen).toEqual([]);
});

test.each([
  [[{ name: 'X', secret: 'missing' }], 'secret missing (version latest) for X: HTTP 404'],
  [[{ name: 'X', secret: 'two-lines' }], 'secret two-lines (version latest) for X: the value is not one line'],
  [[{ name: '1X', secret: 'api-key' }], 'name must be an env name'],
  [[DB], 'secrets are named, but --project (app_secrets_project) is empty'],
])('%j is refused, the old file kept, no value printed', async (entries, message) => {
  const out = join(dir, 'kept.env');
  writeFileSync(out, 'OLD=1\n', { mode: 0o600 });
  const project = message.includes('--project') ? '' : 'p-1';
  const run = await writer(out, entries, project);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(message);
  expect(run.stdout).toBe('');
  for (const value of Object.values(SECRETS)) expect(run.stderr).not.toContain(value.trim());
  expect(readFileSync(out, 'utf8')).toBe('OLD=1\n');
});
