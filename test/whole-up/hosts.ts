import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentSpec, ProjectSpec } from '../../config';
import { environmentsTs } from '../fixtures/repo';
import { assert } from '../terraform/harness';
import { SecretStore, secretStore, storeVars, withSecret } from './secrets';

/**
 * The throwaway hosts test/hosts/run.sh started for this test (DHT_SCENARIO=whole-up): systemd-nspawn machines
 * with their own network namespace on the host test's bridge, SSH for `deploy` with the host test's key.
 */
export interface TestHosts {
  /** Host name (docker-host-001, …) → its IP on the bridge. */
  readonly ips: ReadonlyMap<string, string>;
  /** The private key the hosts accept for `deploy` (`<keyFile>.pub` beside it). */
  readonly keyFile: string;
  /** The test app (busybox httpd) as a `docker save` archive, tagged TEST_APP_IMAGE. */
  readonly appArchive: string;
  /** The fake metadata server and Secret Manager the hosts read the app's secret from. */
  readonly store: SecretStore;
}

/** The image of the host test's app, and what it answers on `/`. */
export const TEST_APP_IMAGE = 'test-app:good';
const TEST_APP_BODY = 'docker-hosts test app (test-app:good)';

/** What run.sh passes: WHOLE_UP_HOSTS="docker-host-001=10.213.0.11 …", WHOLE_UP_SSH_KEY, WHOLE_UP_APP_ARCHIVE. */
export function testHosts(env: NodeJS.ProcessEnv): TestHosts {
  const { WHOLE_UP_HOSTS: hosts, WHOLE_UP_SSH_KEY: keyFile, WHOLE_UP_APP_ARCHIVE: archive } = env;
  if (!hosts || !keyFile || !archive)
    throw new Error(
      'WHOLE_UP_HOSTS, WHOLE_UP_SSH_KEY and WHOLE_UP_APP_ARCHIVE must be set: run test/whole-up/run.sh, ' +
        'which boots the throwaway hosts (test/hosts/run.sh, DHT_SCENARIO=whole-up)',
    );
  const ips = new Map(hosts.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
  return { ips, keyFile, appArchive: archive, store: secretStore(env) };
}

/**
 * The copy runs the host test's app instead of the fixture's Docker Hub image (the hosts reach nothing off this
 * machine): its config names TEST_APP_IMAGE, and group_vars beside the playbooks (test plumbing, as the host
 * test's inventory group_vars) have the app role load it from the archive and the hosts read secrets from the
 * host test's fake metadata server and Secret Manager. Its public-ips environment (stage) is reached over SSH
 * directly, its app has a secret and a plain env value; the one behind the load balancer (prod) has a host per
 * machine. Returns the config.
 */
export function useTestApp(repo: string, spec: ProjectSpec, hosts: TestHosts): ProjectSpec {
  const environments = spec.environments.map((e) => {
    const app = { ...e.app, image: TEST_APP_IMAGE };
    // Behind the load balancer: as many hosts as there are machines (its shape does not depend on the count).
    if (e.exposure === 'load-balancer') return { ...e, app, hostCount: hosts.ips.size };
    return direct({ ...e, app: withSecret(app) });
  });
  const written: ProjectSpec = { ...spec, environments };
  writeFileSync(join(repo, 'config', 'environments.ts'), environmentsTs(written));
  const groupVars = join(repo, 'ansible', 'playbooks', 'group_vars');
  mkdirSync(groupVars, { recursive: true });
  const vars = `app_image_archive: "${hosts.appArchive}"\n${storeVars(hosts.store)}`;
  writeFileSync(join(groupVars, 'all.yml'), vars);
  return written;
}

/**
 * SSH straight to the hosts' external IPs, as a public-ips environment may (the fixture's IAP-only range is
 * replaced: IAP tunnels need Google); the range is only the firewall's, which the double does not enforce.
 */
function direct(e: EnvironmentSpec): EnvironmentSpec {
  const ssh = { ...e.ssh, connectVia: 'direct' as const };
  return { ...e, ssh, sshSourceRanges: ['10.0.0.0/8'] };
}

/** The app answers on the host's IP (nginx on the app port, in front of the container) with the test app's page. */
export async function appAnswers(ip: string, port = 9292): Promise<void> {
  const res = await fetch(`http://${ip}:${port}/`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.text()).trim();
  assert(
    res.status === 200 && body === TEST_APP_BODY,
    `http://${ip}:${port}/ answered ${res.status}: ${body.slice(0, 200)}`,
  );
}

/** A command's stdout on a host, over SSH as `deploy` with the hosts' key (as Ansible logs in). */
export async function onHost(hosts: TestHosts, ip: string, command: string): Promise<string> {
  const options = [
    'BatchMode=yes',
    'StrictHostKeyChecking=no',
    'UserKnownHostsFile=/dev/null',
    'LogLevel=ERROR',
    'ConnectTimeout=10',
  ];
  const args = ['-i', hosts.keyFile, ...options.flatMap((o) => ['-o', o]), `deploy@${ip}`, command];
  const { stdout } = await promisify(execFile)('ssh', args, { maxBuffer: 64 << 20 });
  return stdout;
}

/** Each host's `changed=` count in the PLAY RECAP of the run's hosts step log (`<run>/logs/<n>-hosts.log`). */
export function recapChanged(run: string): Record<string, number> {
  const logs = readdirSync(join(run, 'logs')).filter((f) => /^\d+-hosts\.log$/.test(f));
  assert(logs.length === 1, `no hosts step log in ${run}/logs`);
  const text = readFileSync(join(run, 'logs', logs[0]), 'utf8');
  const recap = text.slice(text.lastIndexOf('PLAY RECAP'));
  const changed: Record<string, number> = {};
  for (const m of recap.matchAll(/^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)/gm))
    changed[m[1]] = Number(m[2]);
  return changed;
}

/**
 * A `gcloud` stand-in that also opens IAP tunnels (`compute start-iap-tunnel <instance> <port> --listen-on-stdin`,
 * the ProxyCommand of hosts reached through IAP): a plain TCP relay to the machine the instance stands for.
 * Anything else fails, as test/driver-real's stand-in does (no Google here).
 */
export function iapStandIn(bin: string, hosts: TestHosts): void {
  const relay = join(bin, 'iap-relay.py');
  writeFileSync(relay, RELAY);
  const cases = [...hosts.ips].map(
    ([name, ip]) => `    ${name}) exec python3 ${relay} ${ip} "$4" ;;`,
  );
  const script = [
    '#!/bin/sh',
    '[ "$1" = version ] && { echo "Google Cloud SDK 500.0.0"; exit 0; }',
    'if [ "$1 $2" = "compute start-iap-tunnel" ]; then',
    '  case "$3" in',
    ...cases,
    '  esac',
    'fi',
    'echo "gcloud stand-in: $* (no Google here)" >&2',
    'exit 1',
    '',
  ];
  writeFileSync(join(bin, 'gcloud'), script.join('\n'), { mode: 0o755 });
}

/** stdin/stdout to a TCP connection, half-closed when stdin ends (what --listen-on-stdin gives ssh). */
const RELAY = `import socket, sys, threading
conn = socket.create_connection((sys.argv[1], int(sys.argv[2])))
def up():
    while True:
        data = sys.stdin.buffer.read1(65536)
        if not data:
            break
        conn.sendall(data)
    conn.shutdown(socket.SHUT_WR)
threading.Thread(target=up, daemon=True).start()
while True:
    data = conn.recv(65536)
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
`;
