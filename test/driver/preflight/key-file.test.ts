import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveProject } from '../../../config';
import { inspectKeyFile, MAX_KEY_FILE_BYTES } from '../../../driver/preflight/key-file';
import { sshPrivateKeyCheck, sshPublicKeyCheck } from '../../../driver/preflight/ssh-key-checks';
import { TEST_KEY, validEnv } from '../../helpers';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'key-file-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('inspectKeyFile: what the path is, before anything is read', () => {
  test('a directory', () => {
    mkdirSync(join(dir, 'key'));
    expect(inspectKeyFile(join(dir, 'key'), true)).toEqual({
      ok: false,
      problem: 'is a directory, not a key file',
    });
  });

  test('a FIFO: answered at once, never a hang', () => {
    execFileSync('mkfifo', [join(dir, 'key')]);
    const started = Date.now();
    expect(inspectKeyFile(join(dir, 'key'), true)).toEqual({
      ok: false,
      problem: 'is a named pipe (FIFO), not a key file',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a device', () => {
    expect(inspectKeyFile('/dev/zero', true)).toEqual({
      ok: false,
      problem: 'is a device, not a key file',
    });
  });

  test('a file too large to be a key', () => {
    writeFileSync(join(dir, 'key'), Buffer.alloc(MAX_KEY_FILE_BYTES + 1));
    expect(inspectKeyFile(join(dir, 'key'), true)).toEqual({
      ok: false,
      problem: `is ${MAX_KEY_FILE_BYTES + 1} bytes, larger than any SSH key (at most ${MAX_KEY_FILE_BYTES})`,
    });
  });

  test('missing, or a symbolic link loop', () => {
    expect(inspectKeyFile(join(dir, 'none'), true)).toEqual({
      ok: false,
      problem: 'does not exist',
    });
    symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
    expect(inspectKeyFile(join(dir, 'loop'), true)).toEqual({
      ok: false,
      problem: 'is a symbolic link loop',
    });
  });

  (process.getuid?.() === 0 ? test.skip : test)(
    'unreadable (not testable as root, who reads everything)',
    () => {
      writeFileSync(join(dir, 'key'), 'x');
      chmodSync(join(dir, 'key'), 0o000);
      expect(inspectKeyFile(join(dir, 'key'), true)).toEqual({
        ok: false,
        problem: 'is not readable (permission denied)',
      });
    },
  );

  test('a small regular file is read', () => {
    writeFileSync(join(dir, 'key'), `${TEST_KEY}\n`);
    expect(inspectKeyFile(join(dir, 'key'), true)).toEqual({ ok: true, text: `${TEST_KEY}\n` });
  });
});

describe('preflight: one line naming the field', () => {
  const config = (home: string) =>
    resolveProject({ environments: [validEnv()] }, { home }).environments[0];

  test('a private key path that is a directory', () => {
    mkdirSync(join(dir, '.ssh', 'docker-hosts'), { recursive: true });
    const finding = sshPrivateKeyCheck(config(dir));
    expect(finding).toMatchObject({
      ok: false,
      summary: `SSH private key (ssh.privateKeyFile): ${join(dir, '.ssh', 'docker-hosts')} is a directory, not a key file (Ansible logs in with it)`,
    });
  });

  test('the local public key must be one of the committed keys', () => {
    mkdirSync(join(dir, '.ssh'));
    writeFileSync(
      join(dir, '.ssh', 'docker-hosts.pub'),
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther other@host\n',
    );
    expect(sshPublicKeyCheck(config(dir))).toMatchObject({
      ok: false,
      summary: expect.stringContaining('is not among the 1 in ssh.publicKeys of "stage"'),
    });
    writeFileSync(join(dir, '.ssh', 'docker-hosts.pub'), `${TEST_KEY}\n`);
    expect(sshPublicKeyCheck(config(dir))).toMatchObject({
      ok: true,
      summary: expect.stringContaining('one of the 1 in ssh.publicKeys'),
    });
  });
});
