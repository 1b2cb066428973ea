import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual } from '../terraform/harness';
import { tail } from '../terraform/terraform';
import { lastRun, locksReleased, stateMatches, WholeUp, writeRequests } from './context';
import { driver } from './driver';
import { FRONT_DOOR_IP } from './front-door';
import { appAnswers } from './hosts';

const UP_PROD = ['up', 'prod', '--skip-image', '--auto-approve'];

/**
 * prod's shape through the driver, once stage is gone: its hosts (the same machines) behind the load balancer
 * (NAT, health check, instance group, backend service, URL map, proxy, forwarding rule), reached over SSH through
 * the `gcloud` stand-in's IAP tunnel at their internal IPs, configured, and the app checked through the front
 * door (the proxy standing for the load balancer, sending to the instance group's members); a plan with no
 * changes; `destroy prod` refused before any request because the plan deletes hosts whose deletion protection is
 * on (Terraform would delete the front door first and stop at them).
 */
export async function prodChecks(t: WholeUp): Promise<void> {
  const count = t.hosts.ips.size;
  await t.tally.check(
    `up prod: the load balancer and ${count} hosts applied, configured through IAP, app checked through the front door`,
    async () => {
      const up = await driver(t, UP_PROD);
      assert(up.code === 0, `exit ${up.code}, expected 0:\n${tail(up.out, 40)}`);
      const lines = [
        new RegExp(`apply prod \\(${count} hosts\\) ok`),
        /write the Ansible inventory for prod ok/,
        /configure prod hosts and run test-app:good ok/,
        /check the app answers through prod's load balancer \(\/\) ok/,
      ];
      for (const line of lines) assert(line.test(up.out), `no ${line} in:\n${tail(up.out, 40)}`);
      const inventory = readFileSync(join(lastRun(t, 'prod'), 'inventory.yml'), 'utf8');
      for (const ip of t.hosts.ips.values())
        assert(
          inventory.includes(`ansible_host: "${ip}"`),
          `${ip} not in inventory.yml:\n${inventory}`,
        );
      assertEqual(
        [...t.frontDoor.backends()].sort(),
        [...t.hosts.ips.values()].map((ip) => `${ip}:9292`).sort(),
        "the front door's backends (the instance group's members)",
      );
      assert(t.frontDoor.forwarded.size > 0, 'the check never went through the front door');
      await appAnswers(FRONT_DOOR_IP, 80);
      await stateMatches(t, 'prod');
      locksReleased(t, 'prod');
    },
  );
  await t.tally.check('plan prod after up: no changes', async () => {
    const plan = await driver(t, ['plan', 'prod']);
    assert(
      plan.code === 0 && plan.out.includes('prod: no changes'),
      `exit ${plan.code}:\n${tail(plan.out, 40)}`,
    );
  });
  await t.tally.check(
    'destroy prod: refused before anything is deleted (deletion protection), exit 4, naming the hosts',
    async () => {
      const from = t.double.log.length;
      const destroyed = await driver(t, ['destroy', 'prod', '--yes']);
      assert(
        destroyed.code === 4,
        `exit ${destroyed.code}, expected 4:\n${tail(destroyed.out, 40)}`,
      );
      const line =
        /refused: the plan deletes google_compute_instance\.fleet_docker-host-001, .*whose deletion protection is on/;
      assert(line.test(destroyed.out), `no ${line} in:\n${tail(destroyed.out, 40)}`);
      const writes = writeRequests(t, from);
      assert(writes.length === 0, `write requests of a refused destroy: ${writes.join(', ')}`);
      await stateMatches(t, 'prod');
      locksReleased(t, 'prod');
    },
  );
}
