/**
 * npm run test:whole-up: the real driver's `up` and `destroy` of stage with the real cdktf, Terraform 1.5.7 and
 * Google provider, against the local double of Google's APIs (test/double/) and fake-gcs-server: nothing faked
 * but Google's servers. The instances are the host test's throwaway hosts (test/hosts/run.sh boots them and
 * starts this, DHT_SCENARIO=whole-up): the double gives each instance its host's IP, so the outputs Terraform
 * writes lead the driver's hosts step (Ansible over SSH) and its app check to real machines. prod's hosts are
 * reached through a `gcloud` stand-in's IAP tunnel, its app through a proxy standing for the load balancer.
 * stage's app has a secret, its value made for this run and served to the hosts by the host test's fake metadata
 * server and Secret Manager: it must reach the container and appear nowhere else (secret-checks.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, GcsEmulator } from '../terraform/emulator';
import { runTier, Tally } from '../terraform/harness';
import { GoogleDouble } from '../double/server';
import {
  offlineDriverEnv,
  realHome,
  realRepo,
  realSpec,
  realTools,
  REAL_PROJECT,
} from '../driver-real/setup';
import { changeChecks } from './change-checks';
import { destroyChecks, upChecks } from './checks';
import { WholeUp } from './context';
import { FRONT_DOOR_IP, FrontDoorProxy } from './front-door';
import { iapStandIn, testHosts, useTestApp } from './hosts';
import { prodChecks } from './prod-checks';
import { secretNowhereChecks, secretReachesChecks } from './secret-checks';
import { makeSecret } from './secrets';

async function main(): Promise<number> {
  const started = Date.now();
  const tools = realTools(process.env);
  const hosts = testHosts(process.env);
  const { home, bin } = realHome(tools, hosts.keyFile);
  const repo = realRepo(home);
  const spec = useTestApp(repo, realSpec(home), hosts);
  iapStandIn(bin, hosts);
  const work = mkdtempSync(join(tmpdir(), 'docker-hosts-whole-up-'));
  const gcs = await GcsEmulator.start(tools.fakeGcs, join(work, 'fake-gcs-server.log'));
  const double = await GoogleDouble.start(join(work, 'requests.jsonl'), (name, project) =>
    gcs.createBucket(name, project),
  );
  const frontDoor = await FrontDoorProxy.start(double, REAL_PROJECT);
  const tally = new Tally();
  try {
    double.addresses.regional = '127.0.0.'; // addresses of no host: on this machine, where nothing listens
    for (const [name, ip] of hosts.ips) double.addresses.hosts.set(name, ip);
    double.addresses.hosts.set('docker-hosts-lb', FRONT_DOOR_IP); // prod's front door, <env>-docker-hosts-lb
    double.publishImage(REAL_PROJECT, 'docker-host-base');
    const secret = makeSecret(hosts.store, double, REAL_PROJECT);
    const proxy = `http://127.0.0.1:${await freePort()}`;
    const noProxy = ['127.0.0.1', 'localhost', FRONT_DOOR_IP, ...hosts.ips.values()].join(',');
    const extra = { ...double.endpoints(), NO_COLOR: '1', NO_PROXY: noProxy };
    const env = offlineDriverEnv(tools, { home, bin, repo }, gcs.endpoint, proxy, extra);
    const t: WholeUp = {
      repo,
      spec,
      env,
      tf: { bin: tools.terraform, env },
      gcs,
      double,
      tally,
      hosts,
      frontDoor,
      secret,
      outputs: [],
    };
    await upChecks(t);
    await changeChecks(t);
    await secretReachesChecks(t);
    await destroyChecks(t);
    await prodChecks(t);
    await secretNowhereChecks(t);
    await tally.check('the double served every request (no unknown path)', () => {
      if (double.unknown.length > 0)
        throw new Error(`unknown paths:\n${[...new Set(double.unknown)].join('\n')}`);
    });
  } finally {
    await frontDoor.stop();
    await double.stop();
    await gcs.stop();
  }
  console.log(
    `${double.log.length} requests served; wall time ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  const code = tally.close();
  if (code === 0 && !process.env.KEEP_WORK)
    for (const d of [repo, home, work]) rmSync(d, { recursive: true });
  else console.log(`kept: the project copy ${repo}, the request log in ${work}`);
  return code;
}

runTier(main);
