import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert } from '../terraform/harness';
import { tail } from '../terraform/terraform';
import { lastRun, locksReleased, stateMatches, WholeUp } from './context';
import { driver } from './driver';

const UP_PROD = ['up', 'prod', '--skip-image', '--auto-approve'];

/**
 * prod's shape through the driver, once stage is gone: three hosts behind the load balancer (NAT, health check,
 * instance group, backend service, URL map, proxy, forwarding rule), up to the inventory (internal IPs through
 * IAP); a plan with no changes; `destroy prod` stopped by the hosts' deletion protection, naming a host. What
 * does not depend on the hosts is destroyed before that (see README.md): asserted only as "the state matches".
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
    'destroy prod: the hosts stay (deletion protection), one line naming a host',
    async () => {
      const destroyed = await driver(t.repo, t.env, ['destroy', 'prod', '--yes']);
      assert(
        destroyed.code === 1,
        `exit ${destroyed.code}, expected 1:\n${tail(destroyed.out, 40)}`,
      );
      const line =
        /failed: Cannot delete instance docker-host-00\d: instance Deletion Protection is enabled/;
      assert(line.test(destroyed.out), `no ${line} in:\n${tail(destroyed.out, 40)}`);
      const hosts = t.double.store
        .paths()
        .filter((p) => /\/zones\/[^/]+\/instances\/docker-host-00\d$/.test(p));
      assert(hosts.length === 3, `the hosts left in the double: ${hosts.join(', ')}`);
      await stateMatches(t, 'prod');
      locksReleased(t, 'prod');
    },
  );
}
