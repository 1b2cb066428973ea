/**
 * `accessory <env> boot|reboot|restart|logs|exec|details <name>` (issue 24), in process against the recording
 * executor: the argv each action runs, on which host, under which lock; the usage mistakes.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecIo } from '../../driver/exec/exec';
import { accessoryRemote, findAccessoryRemote, hostsRunning } from '../../driver/fleet/accessory';
import { App, runDriver, Sandbox, sandboxAndAppEach, testEnv, testSpec } from './harness';
import { RecordingExec, Responder, toolResponder } from './recording-exec';

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

/** Which host an ssh call goes to: its HostKeyAlias names it. */
const hostOf = (line: string) => /HostKeyAlias=(docker-host-\d+)/.exec(line)?.[1];

/** The hosts answer as if accessory `db` ran on `runsOn` (its label filter finds it there only). */
function hostsWithDb(runsOn: readonly string[], port: number, unreadable?: string): Responder {
  const tools = toolResponder({ port });
  return (call, recorded, exec) => {
    if (call.command !== 'ssh') return tools(call, recorded, exec);
    const host = hostOf(recorded.line) ?? '';
    if (host === unreadable)
      return { code: 255, stderr: 'ssh: connect to host: Connection refused\n' };
    const ps = recorded.line.includes('label=docker-hosts.accessory=db');
    if (ps && !runsOn.includes(host)) return {};
    if (ps && recorded.line.includes('{{.Image}}'))
      return {
        stdout:
          'db\tmongo:7@sha256:ab\tUp 2 hours\t10.132.0.3:27017->27017/tcp\t/mnt/disks/data/volumes/db\n',
      };
    if (ps) return { stdout: 'db\n' };
    return { stdout: `${host}: ok\n` };
  };
}

async function drive(
  argv: string[],
  runsOn: readonly string[] = ['docker-host-002'],
  unreadable?: string,
) {
  let exec: RecordingExec | undefined;
  const makeExec = (io: ExecIo) =>
    (exec = new RecordingExec(io, hostsWithDb(runsOn, app.port, unreadable)));
  const result = await runDriver(argv, sb, {
    spec: testSpec(sb, app.port, {
      accessories: { db: { image: 'mongo:7', port: 27017, host: 'docker-host-002' } },
    }),
    env: testEnv(sb),
    signals: new EventEmitter(),
    makeExec,
  });
  const lines = exec?.lines() ?? [];
  return { ...result, lines, ssh: lines.filter((l) => l.startsWith('ssh ')) };
}

/** The remote command of an ssh line (after `--`). */
const remoteOf = (line: string) => line.slice(line.indexOf(' -- ') + 4);

describe('accessory <env> <action> <name>', () => {
  test('logs: asks every host where db runs, then docker logs (--follow, --since) there alone', async () => {
    const result = await drive(['accessory', 'stage', 'logs', 'db', '-f', '--since', '10m']);
    expect(result.code).toBe(0);
    const asks = result.ssh.filter((l) => l.includes("--format '{{.Names}}'"));
    expect(asks.map(hostOf).sort()).toEqual(['docker-host-001', 'docker-host-002']);
    const logs = result.ssh.filter((l) => remoteOf(l).startsWith('docker logs'));
    expect(logs.map((l) => [hostOf(l), remoteOf(l)])).toEqual([
      ['docker-host-002', 'docker logs --follow --since 10m db'],
    ]);
    expect(result.out).toBe('docker-host-002: ok\n');
  });

  test('exec: docker exec db <cmd> on its host (no -it without a terminal)', async () => {
    const result = await drive([
      'accessory',
      'stage',
      'exec',
      'db',
      '--',
      'mongosh',
      '--eval',
      'db.stats()',
    ]);
    expect(result.code).toBe(0);
    const exec = result.ssh.filter((l) => remoteOf(l).startsWith('docker exec'));
    expect(exec.map((l) => [hostOf(l), remoteOf(l)])).toEqual([
      ['docker-host-002', "docker exec db mongosh --eval 'db.stats()'"],
    ]);
  });

  test('restart: docker restart db on its host, under the environment lock (released after)', async () => {
    const result = await drive(['accessory', 'stage', 'restart', 'db'], ['docker-host-001']);
    expect(result.code).toBe(0);
    const restart = result.ssh.filter((l) => remoteOf(l).startsWith('docker restart'));
    expect(restart.map((l) => [hostOf(l), remoteOf(l)])).toEqual([
      ['docker-host-001', 'docker restart db'],
    ]);
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
  });

  test('an accessory no host runs: exit 6, saying how to boot it, nothing run on a host', async () => {
    const result = await drive(['accessory', 'stage', 'restart', 'db'], []);
    expect(result.code).toBe(6);
    expect(result.err).toContain(
      'accessory db runs on no host of stage; boot it: npx docker-hosts accessory stage boot db',
    );
    expect(result.ssh.filter((l) => remoteOf(l).startsWith('docker restart'))).toEqual([]);
  });

  test('an accessory the config does not name: exit 2 with the names it has, nothing run', async () => {
    const result = await drive(['accessory', 'stage', 'boot', 'dbb']);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'error: stage: unknown accessory name "dbb" (did you mean db?); accessory names are: db\n',
    );
    expect(result.lines).toEqual([]);
  });

  test('an unreadable host is named; the accessory is still found on the other', async () => {
    const result = await drive(
      ['accessory', 'stage', 'logs', 'db'],
      ['docker-host-002'],
      'docker-host-001',
    );
    expect(result.code).toBe(0);
    expect(result.err).toContain(
      'docker-host-001: not read: ssh: connect to host: Connection refused',
    );
    expect(result.ssh.filter((l) => remoteOf(l).startsWith('docker logs')).map(hostOf)).toEqual([
      'docker-host-002',
    ]);
  });

  test('details: one line per container, prefixed by its host; none anywhere: exit 6', async () => {
    const result = await drive(['accessory', 'stage', 'details', 'db']);
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      'docker-host-002\tdb\tmongo:7@sha256:ab\tUp 2 hours\t10.132.0.3:27017->27017/tcp\t/mnt/disks/data/volumes/db\n',
    );
    const none = await drive(['accessory', 'stage', 'details', 'db'], []);
    expect([none.code, none.out]).toEqual([6, '']);
    expect(none.err).toContain('accessory db runs on no host of stage');
  });

  test.each([
    ['boot', false],
    ['reboot', true],
  ])(
    '%s: accessory.yml for db alone (recreate %s) under the lock; --dry-run prints the call',
    async (action, recreate) => {
      const dry = await drive(['accessory', 'stage', action as string, 'db', '--dry-run']);
      expect([dry.code, dry.err, dry.lines]).toEqual([0, '', []]);
      expect(dry.out).toContain('playbooks/accessory.yml');
      expect(dry.out).toContain(
        `-e '{"accessory_names":["db"]}' -e '{"accessory_recreate":${recreate}}'`,
      );
      const run = await drive(['accessory', 'stage', action as string, 'db']);
      expect(run.code).toBe(0);
      const plays = run.lines.filter((l) => l.startsWith('ansible-playbook '));
      expect(plays).toHaveLength(1);
      expect(plays[0]).toContain('playbooks/accessory.yml');
      expect(plays[0]).toContain(
        `-e {"accessory_names":["db"]} -e {"accessory_recreate":${recreate}}`,
      );
      expect(run.ssh).toEqual([]);
      expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
    },
  );

  test.each([
    [
      ['accessory', 'stage'],
      'accessory needs an action: npx docker-hosts accessory <env> boot|reboot|restart|logs|exec|details <name> (got "")',
    ],
    [['accessory', 'stage', 'start', 'db'], 'accessory needs an action'],
    [['accessory', 'stage', 'logs'], "accessory logs needs an accessory's name"],
    [['accessory', 'stage', 'logs', 'DB'], '(got "DB")'],
    [['accessory', 'stage', 'logs', 'db', 'x'], 'unexpected argument "x"'],
    [
      ['accessory', 'stage', 'boot', 'db', '-f'],
      'option --follow applies to accessory logs, not to accessory boot',
    ],
    [
      ['accessory', 'stage', 'logs', 'db', '--dry-run'],
      'option --dry-run applies to accessory boot, reboot, not to accessory logs',
    ],
    [['accessory', 'stage', 'exec', 'db'], 'accessory exec needs a command after "--"'],
    [
      ['accessory', 'stage', 'logs', 'db', '--', 'id'],
      '"--" and a command after it are for exec and accessory exec',
    ],
    [['accessories', 'stage'], 'unknown command "accessories" (did you mean accessory?)'],
  ])('%j is refused (exit 2), nothing run', async (argv, message) => {
    const result = await drive(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.lines).toEqual([]);
  });
});

describe('the remote commands (pure builders)', () => {
  test('argv arrays, no shell', () => {
    expect(findAccessoryRemote('db')).toEqual([
      'docker',
      'ps',
      '--all',
      '--filter',
      'label=docker-hosts.accessory=db',
      '--format',
      '{{.Names}}',
    ]);
    expect(accessoryRemote('logs', 'db')).toEqual(['docker', 'logs', 'db']);
    expect(accessoryRemote('exec', 'db', { execArgv: ['sh'], terminal: true })).toEqual([
      'docker',
      'exec',
      '-it',
      'db',
      'sh',
    ]);
  });

  test('hostsRunning: the hosts whose answer has the exact name on a line', () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    expect(
      hostsRunning('db', [
        { host: a, stdout: 'db2\n' },
        { host: b, stdout: 'x\ndb\n' },
      ]),
    ).toEqual([b]);
  });
});
