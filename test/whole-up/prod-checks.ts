import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert } from '../terraform/harness';
import { tail } from '../terraform/terraform';
import { lastRun, locksReleased, stateMatches, WholeUp, writeRequests } from './context';
import { driver } from './driver';

const UP_PROD = ['up', 'prod', '--skip-image', '--auto-approve'];

/**
 * prod's shape through the driver, once stage is gone: three hosts behind the load balancer (NAT, health check,
 * instance group, backend service, URL map, proxy, forwarding rule), up to the inventory (internal IPs through
 * IAP); a plan with no changes; `destroy prod` refused before any request because the plan deletes hosts whose
 * deletion protection is on (Terraform would delete the front door first and stop at them).
 */
export async function prodChecks(t: WholeUp): Promise<void> {
  await t.tally.check(
    'up prod: the load balancer and 3 hosts applied, inventory written, stops at hosts',
    async () => {
      const up = await driver(t.repo, t.env, UP_PROD);
      assert(up.code === 1, `exit ${up.code}, expected 1 (at hosts):\n${tail(up.out, 40)}`);
      const lines = [
        /apply prod \(3 hosts\) ok/,
        /write the Ansible inventory for prod ok/,
        /Step "hosts" failed/,
      ];
      for (const line of lines) assert(line.test(up.out), `no ${line} in:\n${tail(up.out, 40)}`);
      const inventory = readFileSync(join(lastRun(t, 'prod'), 'inventory.yml'), 'utf8');
      const hosts = inventory.match(/ansible_host: "10\.\d+\.\d+\.\d+"/g) ?? [];
      assert(
        hosts.length === 3,
        `3 hosts at internal IPs expected in inventory.yml:\n${inventory}`,
      );
      await stateMatches(t, 'prod');
      locksReleased(t, 'prod');
    },
  );
  await t.tally.check('plan prod after up: no changes', async () => {
    const plan = await driver(t.repo, t.env, ['plan', 'prod']);
    assert(
      plan.code === 0 && plan.out.includes('prod: no changes'),
      `exit ${plan.code}:\n${tail(plan.out, 40)}`,
    );
  });
  await t.tally.check(
    'destroy prod: refused before anything is deleted (deletion protection), exit 4, naming the hosts',
    async () => {
      const from = t.double.log.length;
      const destroyed = await driver(t.repo, t.env, ['destroy', 'prod', '--yes']);
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
