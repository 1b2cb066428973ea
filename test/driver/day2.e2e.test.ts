/**
 * The day-2 commands end to end, in-process: `status` and `drift` against the fake ansible-playbook, which hands back
 * the reports and the json-callback output captured from real hosts (test/driver/fleet/fixtures), and the real inventory
 * generator.
 */
import { EventEmitter } from 'node:events';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  App,
  calls,
  REPO_ROOT,
  runDriver,
  Sandbox,
  testEnv,
  testSpec,
  sandboxAndAppEach,
  untilHanging,
} from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const FIXTURES = join(REPO_ROOT, 'test', 'driver', 'fleet', 'fixtures');
const HEALTHY = join(FIXTURES, 'status');

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

const env = (extra: Record<string, string | undefined> = {}) =>
  testEnv(sb, { FAKE_APP_PORT: String(app.port), FAKE_STATUS_FROM: HEALTHY, ...extra });
const run = (
  argv: string[],
  extra: Record<string, string | undefined> = {},
  signals?: EventEmitter,
) => runDriver(argv, sb, { spec: testSpec(sb, app.port), env: env(extra), signals });
const ansibleCalls = () => calls(sb).filter((c) => c.tool === 'ansible-playbook');
/** What is left in .run/stage/ besides state, outputs and known_hosts: the work folders. */
const workDirs = () =>
  readdirSync(join(sb.runBase, 'stage')).filter((f) => /^(status|drift)-/.test(f));

/** docker-host-001 healthy, docker-host-002 as the status play reports a host it cannot reach. */
function unreachableFleet(): string {
  const dir = join(sb.dir, 'reports');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'docker-host-001.json'),
    readFileSync(join(HEALTHY, 'docker-host-001.json')),
  );
  const ghost = JSON.parse(
    readFileSync(join(FIXTURES, 'status-unreachable', 'docker-host-009.json'), 'utf8'),
  );
  writeFileSync(
    join(dir, 'docker-host-002.json'),
    JSON.stringify({ ...ghost, host: 'docker-host-002' }),
  );
  return dir;
}

describe('status', () => {
  it('runs status.yml over the generated inventory and prints one row per host', async () => {
    const result = await run(['status', 'stage']);
    expect(result.err).toBe(
      `reading stage outputs: cdktf output stage --outputs-file ${sb.runBase}/stage/outputs.json\n`,
    );
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines[0]).toBe('stage: 2 hosts in test-project-123, app example/app:1.0');
    expect(lines[1].split(/\s+/)).toEqual([
      'HOST',
      'OS',
      'DOCKER',
      'APP',
      'RELEASE',
      'IMAGE',
      'UP',
      'RESTARTS',
      'SEC-UPD',
      'REBOOT',
      'DISK',
      'ANSWERS',
    ]);
    expect(lines[2]).toMatch(
      /^docker-host-001 +trixie +26\.1\.5\+dfsg1 +running +good +sha256:c8e61b012589 .* yes$/,
    );
    expect(lines[3]).toMatch(/^docker-host-002 +trixie .* yes$/);
    expect(lines[4]).toBe('all hosts answer');
    const [call] = ansibleCalls();
    expect(call.cwd).toBe(join(sb.root, 'ansible'));
    expect(call.ansibleConfig).toBe(join(sb.root, 'ansible', 'ansible.cfg'));
    const work = call.args[1].replace(/\/inventory\.yml$/, '');
    expect(call.args).toEqual([
      ...['-i', `${work}/inventory.yml`, 'playbooks/status.yml', '-e', `@${work}/app-vars.json`],
      ...['-e', `status_dir=${work}/status`, '-u', 'deploy', '--private-key', sb.privateKey],
      ...['--forks', '2'],
    ]);
    // The same SSH path and known_hosts as the hosts step; the work folder is gone, no lock was taken.
    expect(readFileSync(`${sb.log}.ansible-env`, 'utf8')).toBe(
      `callback= ssh=-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${sb.runBase}/stage/known_hosts\n`,
    );
    expect(workDirs()).toEqual([]);
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
  });

  it('--json prints the rows for scripts', async () => {
    const result = await run(['status', 'stage', '--json']);
    expect(result.code).toBe(0);
    const { hosts } = JSON.parse(result.out) as {
      hosts: { host: string; os: string; appAnswers: boolean }[];
    };
    expect(hosts.map((h) => [h.host, h.os, h.appAnswers])).toEqual([
      ['docker-host-001', 'Debian GNU/Linux 13 (trixie)', true],
      ['docker-host-002', 'Debian GNU/Linux 13 (trixie)', true],
    ]);
  });

  it('a host it cannot reach gets a row saying so, and exit 6', async () => {
    const reports = unreachableFleet();
    const result = await run(['status', 'stage'], { FAKE_STATUS_FROM: reports });
    expect(result.code).toBe(6);
    expect(result.out).toContain(
      'docker-host-002  unreachable: Failed to connect to the host via ssh: ssh: connect to host 10.213.0.99 port 22: Connection timed out\n',
    );
    expect(result.out).toMatch(/docker-host-001 +trixie .* yes\n/);
    expect(result.out).toContain('1 of 2 hosts need attention');
    const json = await run(['status', 'stage', '--json'], { FAKE_STATUS_FROM: reports });
    expect(json.code).toBe(6);
    expect(
      (JSON.parse(json.out) as { hosts: { reachable: boolean }[] }).hosts.map((h) => h.reachable),
    ).toEqual([true, false]);
  });

  it('a host the play wrote no report for is named; a stray report is refused and kept', async () => {
    const three = await run(['status', 'stage'], { FAKE_HOST_COUNT: '3' });
    expect(three.code).toBe(6);
    expect(three.out).toContain(
      'docker-host-003  unreachable: no report (the status play did not reach this host)',
    );
    const one = await run(['status', 'stage', '--refresh'], { FAKE_HOST_COUNT: '1' });
    expect(one.code).toBe(1);
    expect(one.err).toMatch(
      /error: status: a report for "docker-host-002", which is not in the inventory \(reports kept in .*\/stage\/status-\w+\/status\)/,
    );
  });

  it('zero hosts is its own state, not healthy: both views say so, exit 6', async () => {
    const full = await run(['status', 'stage'], { FAKE_HOST_COUNT: '0' });
    expect(full.out).toContain('no hosts: the environment has none to answer\n');
    expect(full.out).not.toContain('all hosts answer');
    expect(full.code).toBe(6);
    const quick = await run(['status', 'stage', '--outputs-only', '--refresh'], {
      FAKE_HOST_COUNT: '0',
    });
    expect(quick.out).toContain('no hosts: the environment has none to answer\n');
    expect(quick.code).toBe(6);
  });

  it('--outputs-only is the quick view: no SSH, the app probed from here', async () => {
    const result = await run(['status', 'stage', '--outputs-only']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('EXTERNAL IP');
    expect(result.out).toContain('all hosts answer');
    expect(ansibleCalls()).toEqual([]);
  });

  it('without ansible-playbook it says so and shows the outputs-only view, exit 1', async () => {
    const sys = join(sb.dir, 'sys');
    mkdirSync(sys);
    for (const tool of ['sh', 'basename', 'cat', 'cp', 'mkdir'])
      symlinkSync(`/usr/bin/${tool}`, join(sys, tool));
    rmSync(join(sb.bin, 'ansible-playbook'));
    const result = await run(['status', 'stage'], { PATH: `${sb.bin}:${sys}` });
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'error: could not run ansible-playbook (spawn ansible-playbook ENOENT): the outputs-only view follows',
    );
    expect(result.out).toMatch(
      /^docker-host-002 +europe-west1-b +127\.0\.0\.1 +10\.132\.0\.3 +up: HTTP 200/m,
    );
    expect(workDirs()).toEqual([]);
  });

  it('does not wait for a run holding the lock: it notes it and leaves the lock alone', async () => {
    const lock = join(sb.runBase, 'stage', 'lock');
    mkdirSync(lock, { recursive: true });
    const details = {
      pid: process.pid,
      command: 'up stage',
      startedAt: '2026-11-26T18:00:00.000Z',
    };
    writeFileSync(join(lock, 'details.json'), JSON.stringify(details));
    const result = await run(['status', 'stage']);
    expect(result.code).toBe(0);
    expect(result.err).toContain(
      `note: pid ${process.pid} (up stage) holds stage's lock since 2026-11-26T18:00:00.000Z: hosts may be mid-change`,
    );
    expect(JSON.parse(readFileSync(join(lock, 'details.json'), 'utf8'))).toEqual(details);
  });

  it('Ctrl-C stops the play, says so, exits 130 and leaves nothing behind', async () => {
    const signals = new EventEmitter();
    const running = run(['status', 'stage'], { FAKE_HANG: 'ansible-playbook' }, signals);
    await untilHanging(sb);
    signals.emit('SIGINT');
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.err).toContain('SIGINT: stopping the current step');
    expect(result.err).toContain(
      'error: status interrupted; nothing was changed (no lock was taken)',
    );
    expect(readFileSync(`${sb.log}.signals`, 'utf8')).toBe('ansible-playbook got SIGINT\n');
    expect(workDirs()).toEqual([]);
  });
});

describe('drift', () => {
  const up = async () => expect((await run(['up', 'stage', '--skip-image'])).code).toBe(0);
  const drift = (fixture: string, argv: string[] = []) =>
    run(['drift', 'stage', ...argv], {
      FAKE_DRIFT_JSON: join(FIXTURES, 'drift', `${fixture}.json`),
    });

  it('none: site.yml in check mode with the hosts step vars, exit 0', async () => {
    await up();
    const result = await drift('no-drift');
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      'docker-host-001: no drift\ndocker-host-002: no drift\nno drift on 2 hosts\n',
    );
    const check = ansibleCalls().at(-1)!;
    const work = check.args[1].replace(/\/inventory\.yml$/, '');
    expect(check.args).toEqual([
      ...['-i', `${work}/inventory.yml`, 'playbooks/site.yml', '-e', `@${work}/app-vars.json`],
      ...[
        '-e',
        `@${work}/registry-vars.json`,
        '-u',
        'deploy',
        '--private-key',
        sb.privateKey,
        '--forks',
        '2',
        '--check',
        '--diff',
      ],
    ]);
    const recorded = readFileSync(`${sb.log}.ansible-env`, 'utf8');
    expect(recorded).toMatch(/^callback=json ssh=-o StrictHostKeyChecking=accept-new /);
    // The registry vars the hosts step gets, derived from the last up's registry outputs.
    expect(recorded).toContain(
      '{\n  "docker_host_registry_hosts": [\n    "europe-west1-docker.pkg.dev"\n  ]\n}\n',
    );
    expect(workDirs()).toEqual([]);
  });

  it('found: names the host and the file, exit 7; --json gives the report', async () => {
    await up();
    const result = await drift('daemon-json-edited');
    expect(result.code).toBe(7);
    expect(result.out).toBe(
      [
        'docker-host-001: drift in 2 task(s)',
        '  docker_host : Write /etc/docker/daemon.json: /etc/docker/daemon.json',
        '  docker_host : Restart docker',
        'docker-host-002: no drift',
        'drift on 1 of 2 hosts: "npx docker-hosts up stage" puts them back\n',
      ].join('\n'),
    );
    const json = await drift('daemon-json-edited', ['--json']);
    expect(json.code).toBe(7);
    const { hosts } = JSON.parse(json.out) as { hosts: { host: string; files: string[] }[] };
    expect(hosts.map((h) => [h.host, h.files])).toEqual([
      ['docker-host-001', ['/etc/docker/daemon.json']],
      ['docker-host-002', []],
    ]);
  });

  it('a host it could not check: exit 6, whatever the others say', async () => {
    await up();
    const edited = JSON.parse(
      readFileSync(join(FIXTURES, 'drift', 'daemon-json-edited.json'), 'utf8'),
    );
    edited.stats['docker-host-002'] = { ...edited.stats['docker-host-002'], unreachable: 1 };
    const file = join(sb.dir, 'unreachable.json');
    writeFileSync(file, JSON.stringify(edited));
    const result = await run(['drift', 'stage'], { FAKE_DRIFT_JSON: file, FAKE_DRIFT_EXIT: '4' });
    expect(result.code).toBe(6);
    expect(result.out).toContain(
      'docker-host-002: unreachable (not checked)\nsome hosts could not be checked\n',
    );
  });

  it('needs a finished up (the registry vars), and says so', async () => {
    const result = await drift('no-drift');
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'error: drift needs the registry outputs of a finished "npx docker-hosts up stage"',
    );
    expect(ansibleCalls()).toEqual([]);
  });

  it('unreadable check output: one line naming the file, exit 1', async () => {
    await up();
    const bad = join(sb.dir, 'bad.json');
    writeFileSync(bad, '{"plays": []}');
    const result = await run(['drift', 'stage'], { FAKE_DRIFT_JSON: bad });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /check\.json: not the output of the json callback \(needs "plays" and "stats"\)/,
    );
  });
});
