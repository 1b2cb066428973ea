import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FleetStatusError,
  fleetStatus,
  hostHealthy,
  parseHostReport,
} from '../../../driver/fleet/fleet-status';
import {
  formatFleetJson,
  formatFleetTable,
  formatUptime,
  TABLE_COLUMNS,
} from '../../../driver/fleet/fleet-status-format';

// Reports written by ansible/playbooks/status.yml on the host test's two trixie hosts (real run).
const FIXTURES = join(__dirname, 'fixtures', 'status');
const HOSTS = ['docker-host-001', 'docker-host-002'];

function reports(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(FIXTURES))
    out[f.replace(/\.json$/, '')] = readFileSync(join(FIXTURES, f), 'utf8');
  return out;
}

function report(host = 'docker-host-001'): Record<string, any> {
  return JSON.parse(reports()[host]);
}

describe('fleet status from the captured reports', () => {
  const rows = fleetStatus(HOSTS, reports());

  test('one row per host, every field read', () => {
    expect(rows.map((r) => r.host)).toEqual(HOSTS);
    for (const r of rows) {
      expect(r).toMatchObject({
        reachable: true,
        error: null,
        osCodename: 'trixie',
        appAnswers: true,
        errors: {},
      });
      expect(r.os).toMatch(/^Debian GNU\/Linux 13/);
      expect(r.dockerVersion).toMatch(/^\d+\.\d+/);
      expect(r.app).toMatchObject({
        name: 'app',
        state: 'running',
        image: 'test-app:good',
        release: 'good',
      });
      expect(r.app!.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(r.app!.restartCount).toBeGreaterThanOrEqual(0);
      expect(r.uptimeSeconds).toBeGreaterThanOrEqual(0);
      expect(typeof r.securityUpdates).toBe('number');
      expect(typeof r.rebootRequired).toBe('boolean');
      expect(r.rootDiskUsedPercent).toBeGreaterThan(0);
      expect(r.appHttpStatus).toBe(200);
    }
  });

  test('the table has the columns and one aligned row per host', () => {
    const lines = formatFleetTable(rows).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0].split(/\s+/)).toEqual([...TABLE_COLUMNS]);
    expect(lines[1]).toMatch(
      /^docker-host-001 +trixie +\S+ +running +good +sha256:[0-9a-f]{12} .* yes$/,
    );
    expect(lines[1].indexOf('running')).toBe(lines[0].indexOf('APP'));
  });

  test('--json is the rows, parseable', () => {
    expect(JSON.parse(formatFleetJson(rows))).toEqual({ hosts: JSON.parse(JSON.stringify(rows)) });
  });
});

describe('hosts without a usable report', () => {
  test('a host the play did not reach is a row saying so', () => {
    const rows = fleetStatus([...HOSTS, 'docker-host-003'], reports());
    expect(rows[2]).toMatchObject({ host: 'docker-host-003', reachable: false, appAnswers: false });
    expect(rows[2].error).toMatch(/no report/);
    expect(formatFleetTable(rows)).toMatch(/^docker-host-003 +unreachable: no report/m);
  });

  test("the play's report for a host it could not reach (captured) keeps Ansible's message", () => {
    const text = readFileSync(
      join(__dirname, 'fixtures', 'status-unreachable', 'docker-host-009.json'),
      'utf8',
    );
    const [row] = fleetStatus(['docker-host-009'], { 'docker-host-009': text });
    expect(row).toMatchObject({ reachable: false, os: null, app: null, appAnswers: false });
    expect(row.error).toMatch(/^Failed to connect to the host via ssh: .*10\.213\.0\.99 port 22/);
    expect(hostHealthy(row)).toBe(false);
    expect(formatFleetTable([row])).toMatch(/^docker-host-009 +unreachable: Failed to connect/m);
  });

  test('a part the collector could not read is null, with its reason', () => {
    const r = report();
    r.docker_version = null;
    r.app = null;
    r.errors = { docker: 'docker version: exit 1: Cannot connect to the Docker daemon' };
    const row = parseHostReport('docker-host-001', r);
    expect(row).toMatchObject({ dockerVersion: null, app: null, errors: r.errors });
    expect(formatFleetTable([row])).toMatch(/docker-host-001 +trixie +\? +missing/);
  });
});

describe('malformed reports: one line naming host, field, value and what is allowed', () => {
  test.each([
    [
      'an unknown field',
      (r: any) => (r.colour = 'red'),
      /host "docker-host-001": unknown field "colour"/,
    ],
    ['an unknown nested field', (r: any) => (r.app.extra = 1), /unknown field "app.extra"/],
    [
      'an unknown error part',
      (r: any) => (r.errors = { disk: 'x' }),
      /unknown field "errors.disk"/,
    ],
    [
      'a mistyped field',
      (r: any) => (r.app.restart_count = 'two'),
      /field "app.restart_count" must be a number ≥ 0 \(got "two"\)/,
    ],
    ['another schema', (r: any) => (r.schema = 2), /field "schema" must be 1 \(got 2\)/],
    ['a report for another host', (r: any) => (r.host = 'docker-host-002'), /names another host/],
  ])('%s', (_what, patch, message) => {
    const r = report();
    patch(r);
    expect(() => parseHostReport('docker-host-001', r)).toThrow(message);
    expect(() => parseHostReport('docker-host-001', r)).toThrow(FleetStatusError);
  });

  test('a report for a host not in the inventory', () => {
    expect(() => fleetStatus(['docker-host-002'], reports())).toThrow(
      /"docker-host-001", which is not in the inventory/,
    );
  });

  test('a report that is not JSON', () => {
    expect(() => fleetStatus(['docker-host-001'], { 'docker-host-001': '{' })).toThrow(
      /not valid JSON/,
    );
  });
});

test('uptime reads as days+hours, hours+minutes or minutes', () => {
  expect([formatUptime(93784), formatUptime(7260), formatUptime(59), formatUptime(null)]).toEqual([
    '1d2h',
    '2h1m',
    '0m',
    '?',
  ]);
});

test('healthy: reachable, answering, no reboot and no security update pending', () => {
  const r = report();
  r.security_updates.pending = 0;
  r.reboot_required = { required: false, packages: [] };
  expect(hostHealthy(parseHostReport('docker-host-001', r))).toBe(true);
  r.reboot_required = { required: true, packages: ['linux-image-amd64'] };
  expect(hostHealthy(parseHostReport('docker-host-001', r))).toBe(false);
});
