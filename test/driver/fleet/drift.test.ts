import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DriftError,
  driftedHosts,
  driftExitCode,
  formatDrift,
  parseDrift,
  resultFiles,
} from '../../../driver/fleet/drift';

// `ANSIBLE_STDOUT_CALLBACK=json ansible-playbook site.yml --check --diff` from the host test on two
// trixie hosts (real runs; `invocation`s, gathered facts and docker inspect blobs trimmed, the checkout path as /repo): after /etc/docker/daemon.json was edited
// by hand on docker-host-001, and after the next site.yml run put it back.
const FIXTURES = join(__dirname, 'fixtures', 'drift');
const load = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

describe('captured check-mode runs', () => {
  test('a hand-edited daemon.json: exactly that host and that file', () => {
    const report = parseDrift(load('daemon-json-edited.json'));
    expect(report.hosts.map((h) => h.host)).toEqual(['docker-host-001', 'docker-host-002']);
    const drifted = driftedHosts(report);
    expect(drifted.map((h) => [h.host, h.files])).toEqual([
      ['docker-host-001', ['/etc/docker/daemon.json']],
    ]);
    expect(drifted[0].changes.map((c) => c.task)).toContain(
      'docker_host : Write /etc/docker/daemon.json',
    );
    expect(driftExitCode(report)).toBe(2);
    expect(formatDrift(report)).toMatch(
      /^docker-host-001: drift in \d task\(s\)\n {2}docker_host : Write \/etc\/docker\/daemon\.json: \/etc\/docker\/daemon\.json\n/,
    );
    expect(formatDrift(report)).toMatch(/^docker-host-002: no drift$/m);
  });

  test('after the next site.yml run: no drift anywhere', () => {
    const report = parseDrift(load('no-drift.json'));
    expect(report.hosts).toHaveLength(2);
    expect(driftedHosts(report)).toEqual([]);
    expect(driftExitCode(report)).toBe(0);
  });
});

// A minimal json-callback document: one play, the given tasks, stats for the hosts.
function doc(tasks: [string, Record<string, object>][], stats: Record<string, object>): object {
  return {
    plays: [
      { play: { name: 'p' }, tasks: tasks.map(([name, hosts]) => ({ task: { name }, hosts })) },
    ],
    stats,
  };
}
const okStats = { changed: 0, failures: 0, unreachable: 0 };

describe('results', () => {
  test('files: the managed path (before_header), dest/path, file-module diffs; never the controller source', () => {
    expect(
      resultFiles({
        changed: true,
        dest: '/etc/app.conf',
        diff: [
          { before_header: '/etc/app.conf', after_header: '/home/ops/repo/templates/app.conf.j2' },
        ],
      }),
    ).toEqual(['/etc/app.conf']);
    expect(
      resultFiles({
        diff: { before: { path: '/etc/x', state: 'absent' }, after: { path: '/etc/x' } },
      }),
    ).toEqual(['/etc/x']);
    expect(
      resultFiles({
        diff: [{ prepared: 'The following NEW packages will be installed: docker.io' }],
      }),
    ).toEqual([]);
  });

  test('loops: the changed items count, with their files', () => {
    const report = parseDrift(
      doc(
        [
          [
            'Write configs',
            {
              h1: {
                changed: true,
                results: [
                  { changed: true, dest: '/etc/a' },
                  { changed: false, dest: '/etc/b' },
                ],
              },
            },
          ],
        ],
        { h1: okStats },
      ),
    );
    expect(report.hosts[0].changes).toEqual([{ task: 'Write configs', files: ['/etc/a'] }]);
  });

  test('a changed task without files (a removed package, a restart) is drift too', () => {
    const report = parseDrift(
      doc(
        [
          [
            'Install Docker',
            { h1: { changed: true, diff: [{ prepared: '...' }] }, h2: { changed: false } },
          ],
        ],
        {
          h1: okStats,
          h2: okStats,
        },
      ),
    );
    expect(driftedHosts(report).map((h) => [h.host, h.changes])).toEqual([
      ['h1', [{ task: 'Install Docker', files: [] }]],
    ]);
    expect(formatDrift(report)).toBe('h1: drift in 1 task(s)\n  Install Docker\nh2: no drift\n');
  });

  test('an unreachable host or a failed task: not checked, exit 1 even when others drift', () => {
    const report = parseDrift(
      doc(
        [
          ['Write daemon.json', { h1: { changed: true, dest: '/etc/docker/daemon.json' } }],
          ['Wait until the app answers', { h2: { failed: true, msg: 'Status code was -1' } }],
        ],
        { h1: okStats, h2: { ...okStats, failures: 1 }, h3: { ...okStats, unreachable: 1 } },
      ),
    );
    expect(report.hosts.map((h) => [h.host, h.unreachable, h.failures])).toEqual([
      ['h1', false, []],
      ['h2', false, ['Wait until the app answers: Status code was -1']],
      ['h3', true, []],
    ]);
    expect(driftExitCode(report)).toBe(1);
    expect(formatDrift(report)).toMatch(/^h3: unreachable \(not checked\)$/m);
    expect(formatDrift(report)).toMatch(
      /^ {2}failed in check mode: Wait until the app answers: Status code was -1$/m,
    );
  });
});

describe('input that is not the json callback output', () => {
  test.each([
    ['the default callback text', 'PLAY [x]', /not the output of the json callback/],
    ['no stats', { plays: [] }, /not the output of the json callback/],
    [
      'a task without hosts',
      { plays: [{ tasks: [{ task: { name: 't' } }] }], stats: {} },
      /tasks\[0\]: missing "hosts"/,
    ],
  ])('%s', (_what, json, message) => {
    expect(() => parseDrift(json)).toThrow(message);
    expect(() => parseDrift(json)).toThrow(DriftError);
  });
});
