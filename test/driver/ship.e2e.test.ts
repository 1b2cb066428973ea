/**
 * The ship commands in-process against the fake ssh and ansible-playbook: the exact ssh argv (the Ansible path: key,
 * known_hosts, HostKeyAlias, IAP ProxyCommand), host selection, the release table, and the playbooks under the lock.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../../driver/lock';
import { cdktfLockPath, envLockPath } from '../../driver/paths';
import { calls, makeSandbox, runDriver, Sandbox, testEnv, testSpec, untilHanging } from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

const run = (argv: string[], extra: Record<string, string> = {}, signals?: EventEmitter) =>
  runDriver(argv, sb, { spec: testSpec(sb), env: testEnv(sb, extra), signals });
/** Runs the command until the fake tool `hang` hangs, sends `signal`, and returns how the command ended. */
async function interrupt(argv: string[], hang: string, signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') {
  const signals = new EventEmitter();
  const running = run(argv, { FAKE_HANG: hang }, signals);
  expect(await untilHanging(sb)).toBe(true);
  signals.emit(signal);
  const result = await running;
  return {
    ...result,
    got: readFileSync(`${sb.log}.signals`, 'utf8').split('\n').filter(Boolean).sort(),
  };
}
/** stderr without the note on reading the outputs (`cdktf output`, the fake's, the first time). */
const errLines = (err: string) => err.replace(/^reading stage outputs: .*\n/m, '');
const sshCalls = () => calls(sb).filter((c) => c.tool === 'ssh');
const login = () => [
  ...['-i', sb.privateKey, '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=accept-new'],
  ...['-o', `UserKnownHostsFile=${sb.runBase}/stage/known_hosts`],
];
const alias = (n: number) => ['-o', `HostKeyAlias=docker-host-00${n}-7000000000000000${n}`];

function record(
  time: string,
  action: string,
  commit: string,
  digest: string,
  result = 'ok',
): string {
  const image = `europe-west1-docker.pkg.dev/p/docker-hosts/reddit@sha256:${digest.repeat(64)}`;
  const fields = {
    time,
    who: 'alice@example.com',
    action,
    commit,
    image,
    image_id: 'sha256:1',
    result,
  };
  return JSON.stringify({ ...fields, digest: `sha256:${digest.repeat(64)}` });
}

describe('logs', () => {
  test('one host: docker logs over the Ansible ssh path, with --follow and --since', async () => {
    const result = await run([
      'logs',
      'stage',
      '--host',
      'docker-host-002',
      '-f',
      '--since',
      '10m',
    ]);
    expect(result.code).toBe(0);
    expect(sshCalls().map((c) => c.args)).toEqual([
      [...login(), ...alias(2), 'deploy@127.0.0.1', '--', 'docker logs --follow --since 10m app'],
    ]);
    expect(result.out).toBe('log of docker-host-002\nlog of docker-host-002\n');
  });

  test('every host at once, each line prefixed with its host; IAP hosts get the ProxyCommand', async () => {
    const result = await run(['logs', 'stage'], { FAKE_SSH_VIA: 'iap' });
    expect(result.code).toBe(0);
    expect(result.out.split('\n').sort().slice(1)).toEqual([
      ...['docker-host-001 | log of docker-host-001', 'docker-host-001 | log of docker-host-001'],
      ...['docker-host-002 | log of docker-host-002', 'docker-host-002 | log of docker-host-002'],
    ]);
    const proxy =
      'ProxyCommand=gcloud compute start-iap-tunnel docker-host-001 22 --listen-on-stdin --project=test-project-123 --zone=europe-west1-b';
    expect(sshCalls().find((c) => c.args.includes(alias(1)[1]))?.args).toEqual([
      ...login(),
      ...alias(1),
      ...['-o', proxy, 'deploy@127.0.0.1', '--', 'docker logs app'],
    ]);
  });

  test('an unknown host is one line listing the known ones, exit 2, no ssh', async () => {
    const result = await run(['logs', 'stage', '--host', 'docker-host-009']);
    expect(result.code).toBe(2);
    expect(errLines(result.err)).toBe(
      'error: unknown host "docker-host-009" in stage; hosts are: docker-host-001, docker-host-002\n',
    );
    expect(sshCalls()).toEqual([]);
  });

  test('--since is checked', async () => {
    const result = await run(['logs', 'stage', '--since', 'yesterday']);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      '--since must be a duration such as 10m, 2h or 30s, or a time such as 2026-01-31T10:00:00 (got "yesterday")',
    );
  });
});

describe('exec and ssh', () => {
  test('exec runs docker exec in the app container on each host in turn, the command quoted for the remote shell', async () => {
    const result = await run(['exec', 'stage', '--', 'sh', '-c', 'echo $HOME']);
    expect(result.code).toBe(0);
    expect(sshCalls().map((c) => c.args)).toEqual([
      [...login(), ...alias(1), 'deploy@127.0.0.1', '--', "docker exec app sh -c 'echo $HOME'"],
      [...login(), ...alias(2), 'deploy@127.0.0.1', '--', "docker exec app sh -c 'echo $HOME'"],
    ]);
    expect(errLines(result.err)).toBe('== docker-host-001\n== docker-host-002\n');
  });

  test('exec without a command, or "--" elsewhere, is a usage error', async () => {
    expect((await run(['exec', 'stage'])).err).toContain('exec needs a command after "--"');
    expect((await run(['logs', 'stage', '--', 'ls'])).err).toContain(
      '"--" and a command after it are for exec and accessory exec, not logs',
    );
  });

  test('ssh opens a session on the first host, or the named one', async () => {
    expect((await run(['ssh', 'stage'])).code).toBe(0);
    expect((await run(['ssh', 'stage', 'docker-host-002'])).code).toBe(0);
    expect(sshCalls().map((c) => c.args)).toEqual([
      [...login(), ...alias(1), 'deploy@127.0.0.1'],
      [...login(), ...alias(2), 'deploy@127.0.0.1'],
    ]);
    const unknown = await run(['ssh', 'stage', 'web-1']);
    expect(errLines(unknown.err)).toBe(
      'error: unknown host "web-1" in stage; hosts are: docker-host-001, docker-host-002\n',
    );
  });
});

describe('releases', () => {
  function releases(): string {
    const dir = join(sb.dir, 'releases');
    mkdirSync(dir);
    const a = record('2026-11-20T10:00:00Z', 'deploy', 'c0ffee1234567890', '1');
    const b = record('2026-11-21T10:00:00Z', 'deploy', 'beef00001234', '2');
    const c = record('2026-11-21T11:00:00Z', 'rollback', 'c0ffee1234567890', '1');
    writeFileSync(join(dir, 'docker-host-001.jsonl'), `${a}\n${b}\n${c}\n`);
    writeFileSync(join(dir, 'docker-host-002.jsonl'), `${a}\n`);
    return dir;
  }

  test('one table across hosts, oldest first; exit 6 and a line for a host that cannot be read', async () => {
    const dir = releases();
    const ok = await run(['releases', 'stage'], { FAKE_RELEASES_DIR: dir });
    expect(ok.code).toBe(0);
    expect(ok.out.split('\n')[0]).toBe(
      'TIME                  HOST             ACTION    COMMIT        DIGEST        WHO                RESULT',
    );
    expect(ok.out.split('\n').slice(1, 5)).toEqual([
      '2026-11-20T10:00:00Z  docker-host-001  deploy    c0ffee123456  111111111111  alice@example.com  ok',
      '2026-11-20T10:00:00Z  docker-host-002  deploy    c0ffee123456  111111111111  alice@example.com  ok',
      '2026-11-21T10:00:00Z  docker-host-001  deploy    beef00001234  222222222222  alice@example.com  ok',
      '2026-11-21T11:00:00Z  docker-host-001  rollback  c0ffee123456  111111111111  alice@example.com  ok',
    ]);
    expect(sshCalls()[0].args.slice(-2)).toEqual([
      '--',
      "sh -c 'cat /var/lib/docker-hosts/releases.jsonl 2>/dev/null || true'",
    ]);
    const down = await run(['releases', 'stage', '--json'], {
      FAKE_RELEASES_DIR: dir,
      FAKE_SSH_DOWN: 'docker-host-002',
    });
    expect(down.code).toBe(6);
    const json = JSON.parse(down.out) as {
      releases: { host: string }[];
      errors: Record<string, string>;
    };
    expect(json.releases.map((r) => r.host)).toEqual([
      'docker-host-001',
      'docker-host-001',
      'docker-host-001',
    ]);
    expect(json.errors).toEqual({
      'docker-host-002': 'not read: ssh: connect to host 127.0.0.1 port 22: Connection refused',
    });
  });

  test('a records file with a line that is not JSON is a row saying so, exit 6', async () => {
    const dir = releases();
    writeFileSync(
      join(dir, 'docker-host-002.jsonl'),
      `${record('2026-11-20T10:00:00Z', 'deploy', 'c0ffee1', '1')}\n{oops\n`,
    );
    const result = await run(['releases', 'stage'], { FAKE_RELEASES_DIR: dir });
    expect(result.code).toBe(6);
    expect(result.out).toMatch(
      /\ndocker-host-002: line 2 of \/var\/lib\/docker-hosts\/releases\.jsonl is not JSON\n$/,
    );
    expect(result.out.split('\n').filter((l) => l.includes('docker-host-002  deploy')).length).toBe(
      1,
    );
  });

  test('the records file is where the app role writes it', () => {
    const defaults = readFileSync(
      join(__dirname, '..', '..', 'ansible', 'roles', 'app', 'defaults', 'main.yml'),
      'utf8',
    );
    expect(defaults).toContain('app_releases_file: /var/lib/docker-hosts/releases.jsonl\n');
  });
});

test('up --only build for an environment without app.build is one line, exit 2', async () => {
  const result = await run(['up', 'stage', '--only', 'build', '--dry-run']);
  expect(result.code).toBe(2);
  expect(result.err).toBe(
    'error: stage has no build step: it deploys the prebuilt example/app:1.0 (no app.build)\n',
  );
});

describe('rollback and prune', () => {
  const playbookCall = () => calls(sb).find((c) => c.tool === 'ansible-playbook');

  test('rollback runs rollback.yml the hosts step way, with the version and who', async () => {
    const result = await run(['rollback', 'stage', 'c0ffee1'], { USER: 'bob' });
    expect(result.code).toBe(0);
    const call = playbookCall();
    expect(call?.cwd).toBe(join(sb.root, 'ansible'));
    expect(call?.ansibleConfig).toBe(join(sb.root, 'ansible', 'ansible.cfg'));
    const args = call?.args ?? [];
    expect(args.slice(1)).toEqual([
      ...[expect.stringMatching(/\/rollback-\w+\/inventory\.yml$/), 'playbooks/rollback.yml'],
      ...['-e', expect.stringMatching(/\/app-vars\.json$/)],
      ...[
        '-e',
        '{"app_rollback_version":"c0ffee1"}',
        '-e',
        '{"app_release_who":{"__ansible_unsafe":"bob"}}',
      ],
      ...['-u', 'deploy', '--private-key', sb.privateKey, '--forks', '2'],
    ]);
    expect(result.out).toContain('PLAY RECAP');
  });

  test('rollback waits for nobody: a run holding the lock refuses it (exit 3)', async () => {
    mkdirSync(join(sb.runBase, 'stage'), { recursive: true });
    const lock = acquireLock(envLockPath(sb.runBase, 'stage'), 'up stage');
    try {
      const result = await run(['rollback', 'stage']);
      expect(result.code).toBe(3);
      expect(playbookCall()).toBeUndefined();
    } finally {
      lock.release();
    }
  });

  test('prune runs prune.yml, with --keep as app_releases_keep; a failing play is its exit code', async () => {
    const result = await run(['prune', 'stage', '--keep', '2']);
    expect(result.code).toBe(0);
    expect(playbookCall()?.args.slice(2)).toEqual(
      expect.arrayContaining(['playbooks/prune.yml', '-e', '{"app_releases_keep":2}']),
    );
    const failed = await run(['prune', 'stage'], { FAKE_FAIL: 'ansible-playbook' });
    expect(failed.code).toBe(3);
    expect((await run(['prune', 'stage', '--keep', '0'])).err).toContain(
      '--keep must be a number of releases from 1 to 99 (got "0")',
    );
  });
});

describe('signals', () => {
  test('SIGTERM while cdktf output reads the outputs: forwarded once, waited for, the cdktf lock released (143)', async () => {
    const result = await interrupt(['releases', 'stage'], 'cdktf output', 'SIGTERM');
    expect(result.code).toBe(143);
    expect(result.got).toEqual(['cdktf got SIGTERM']);
    expect(result.err).toContain(
      "error: interrupted while reading stage's outputs: nothing changed",
    );
    expect(existsSync(cdktfLockPath(sb.root))).toBe(false);
    expect(sshCalls()).toEqual([]);
  });

  test('Ctrl-C during logs -f: ssh gets SIGINT once (its own process group), exit 130', async () => {
    // One host, so the one hanging ssh is the one signalled; the outputs are read before.
    await run(['releases', 'stage'], { FAKE_HOST_COUNT: '1' });
    const result = await interrupt(['logs', 'stage', '-f'], 'ssh', 'SIGINT');
    expect(result.code).toBe(130);
    expect(result.got).toEqual(['ssh got SIGINT']);
  });

  test('logs -f whose ssh ignores Ctrl-C: a second Ctrl-C (over a second later) kills it, exit 130', async () => {
    const signals = new EventEmitter();
    const running = run(
      ['logs', 'stage', '-f', '--host', 'docker-host-001'],
      { FAKE_HANG: 'ssh', FAKE_DEAF: '1' },
      signals,
    );
    expect(await untilHanging(sb)).toBe(true);
    signals.emit('SIGINT');
    await new Promise((r) => setTimeout(r, 1200));
    signals.emit('SIGINT');
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.err).toContain('SIGINT again: killing ssh');
    expect(readFileSync(`${sb.log}.signals`, 'utf8').split('\n').filter(Boolean)).toEqual([
      'ssh ignored SIGINT',
    ]);
  });

  test('SIGHUP during rollback: the play gets SIGTERM and is waited for, the lock is released (129)', async () => {
    await run(['releases', 'stage']);
    const result = await interrupt(['rollback', 'stage'], 'ansible-playbook', 'SIGHUP');
    expect(result.code).toBe(129);
    expect(result.got).toEqual(['ansible-playbook got SIGTERM']);
    expect(existsSync(envLockPath(sb.runBase, 'stage'))).toBe(false);
  });
});
