import { PolicyRule, RULES, SynthesizedStack } from '../../policies/rules';
import { environmentJson } from '../helpers';

function rule(id: string): PolicyRule {
  const found = RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

/** A synthesized environment stack, as JSON the test may edit. */
function stackJson(
  exposure: 'load-balancer' | 'public-ips',
  hostCount = 2,
): SynthesizedStack & { json: any } {
  return { name: 'stage', json: environmentJson({ exposure, hostCount }) };
}

const messages = (id: string, stack: SynthesizedStack) =>
  rule(id)
    .check([stack])
    .map((f) => `${f.address}: ${f.message}`);

const EXPOSURE_IDS = [
  'DH12-lb-hosts-private',
  'DH13-backend-health-checked',
  'DH14-nat-for-private-hosts',
];

describe('exposure rules', () => {
  test.each(EXPOSURE_IDS)('compliant: %s passes both synthesized modes', (id) => {
    expect(messages(id, stackJson('load-balancer'))).toEqual([]);
    expect(messages(id, stackJson('public-ips'))).toEqual([]);
  });

  test('DH12 non-compliant: a host behind the load balancer with an external IP', () => {
    const stack = stackJson('load-balancer');
    stack.json.resource.google_compute_instance[
      'fleet_docker-host-002'
    ].network_interface[0].access_config = [{}];
    expect(messages('DH12-lb-hosts-private', stack)).toEqual([
      'google_compute_instance.fleet_docker-host-002: has an access config (external IP) behind a load balancer',
    ]);
  });

  test("DH12 non-compliant: the app port open beyond Google's ranges, in a rule of its own too", () => {
    const stack = stackJson('load-balancer');
    stack.json.resource.google_compute_firewall.firewall_app.source_ranges.push('0.0.0.0/0');
    stack.json.resource.google_compute_firewall.extra = {
      direction: 'INGRESS',
      allow: [{ protocol: 'tcp', ports: ['9000-9999'] }],
      source_ranges: ['203.0.113.0/24'],
    };
    expect(messages('DH12-lb-hosts-private', stack)).toEqual([
      "google_compute_firewall.firewall_app: opens the app port to 0.0.0.0/0, beyond Google's load-balancer ranges 35.191.0.0/16, 130.211.0.0/22",
      "google_compute_firewall.extra: opens the app port to 203.0.113.0/24, beyond Google's load-balancer ranges 35.191.0.0/16, 130.211.0.0/22",
    ]);
  });

  test('DH12 ignores other ports and stacks without a load balancer', () => {
    const stack = stackJson('load-balancer');
    stack.json.resource.google_compute_firewall.ssh_office = {
      direction: 'INGRESS',
      allow: [{ protocol: 'tcp', ports: ['22'] }],
      source_ranges: ['203.0.113.0/24'],
    };
    expect(messages('DH12-lb-hosts-private', stack)).toEqual([]);
  });

  test.each([
    ['no health_checks', (b: any) => delete b.health_checks],
    ['an empty list', (b: any) => (b.health_checks = [])],
  ])('DH13 non-compliant: %s', (_label, edit) => {
    const stack = stackJson('load-balancer');
    edit(stack.json.resource.google_compute_backend_service['front-door_backend']);
    expect(messages('DH13-backend-health-checked', stack)).toEqual([
      'google_compute_backend_service.front-door_backend: has no health check',
    ]);
  });

  test('DH14 non-compliant: private hosts without a NAT, or with one in another region', () => {
    const stack = stackJson('load-balancer', 1);
    const nat = stack.json.resource.google_compute_router_nat.nat_nat;
    nat.region = 'us-central1';
    const expected = [
      'google_compute_instance.fleet_docker-host-001: has no external IP and no Cloud NAT in europe-west1: it cannot reach apt or the registry',
    ];
    expect(messages('DH14-nat-for-private-hosts', stack)).toEqual(expected);
    delete stack.json.resource.google_compute_router_nat;
    expect(messages('DH14-nat-for-private-hosts', stack)).toEqual(expected);
  });
});
