import { checkPolicies } from '../../policies/check';
import { PolicyRule, RULES, SynthesizedStack } from '../../policies/rules';
import { environmentJson } from '../helpers';

function rule(id: string): PolicyRule {
  const found = RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

/** A synthesized managed environment stack, as JSON the test may edit. */
function managedStack(): SynthesizedStack & { json: any } {
  return { name: 'stage', json: environmentJson({ exposure: 'load-balancer', fleet: 'managed' }) };
}

const messages = (id: string, stack: SynthesizedStack) =>
  rule(id)
    .check([stack])
    .map((f) => `${f.address}: ${f.message}`);

const TEMPLATE = 'google_compute_region_instance_template.host-template';
const GROUP = 'google_compute_region_instance_group_manager.managed-group';
const template = (s: { json: any }) =>
  s.json.resource.google_compute_region_instance_template['host-template'];
const group = (s: { json: any }) =>
  s.json.resource.google_compute_region_instance_group_manager['managed-group'];

describe('managed fleet rules', () => {
  test('the synthesized managed stack passes every rule', () => {
    expect(checkPolicies([managedStack()])).toEqual([]);
  });

  test('DH15 non-compliant: a template with an external IP', () => {
    const stack = managedStack();
    template(stack).network_interface[0].access_config = [{ network_tier: 'PREMIUM' }];
    expect(messages('DH15-template-no-external-ip', stack)).toEqual([
      `${TEMPLATE}: has an access config (external IP)`,
    ]);
  });

  test('DH16 non-compliant: no autohealing, or no initial delay', () => {
    const stack = managedStack();
    delete group(stack).auto_healing_policies.initial_delay_sec;
    expect(messages('DH16-group-autohealing', stack)).toEqual([
      `${GROUP}: auto_healing_policies has no initial_delay_sec: a booting host would be judged at once`,
    ]);
    delete group(stack).auto_healing_policies;
    expect(messages('DH16-group-autohealing', stack)).toEqual([
      `${GROUP}: has no auto_healing_policies health check: a dead host is never replaced`,
    ]);
  });

  test('DH17 non-compliant: a rollout that may take a host away first', () => {
    const stack = managedStack();
    group(stack).update_policy.max_unavailable_fixed = 1;
    expect(messages('DH17-group-max-unavailable-zero', stack)).toEqual([
      `${GROUP}: update_policy.max_unavailable_fixed is 1, not 0: a rollout would take hosts away before their replacements serve`,
    ]);
    delete group(stack).update_policy;
    expect(messages('DH17-group-max-unavailable-zero', stack)).toEqual([
      `${GROUP}: has no update_policy`,
    ]);
  });

  test("DH18 non-compliant: the default compute account, another stack's account, cloud-platform", () => {
    const stack = managedStack();
    template(stack).service_account.email = '123-compute@developer.gserviceaccount.com';
    template(stack).service_account.scopes.push('cloud-platform');
    expect(messages('DH18-template-own-service-account', stack)).toEqual([
      `${TEMPLATE}: runs as "123-compute@developer.gserviceaccount.com", not a service account of this stack`,
      `${TEMPLATE}: has the cloud-platform scope`,
    ]);
    template(stack).service_account.email = '${google_service_account.elsewhere.email}';
    template(stack).service_account.scopes.pop();
    expect(messages('DH18-template-own-service-account', stack)).toEqual([
      `${TEMPLATE}: runs as "\${google_service_account.elsewhere.email}", not a service account of this stack`,
    ]);
    delete template(stack).service_account;
    expect(messages('DH18-template-own-service-account', stack)).toEqual([
      `${TEMPLATE}: runs as "the default compute account", not a service account of this stack`,
    ]);
  });

  test("DH12 reads the managed group's named port: the app port open to the internet fails", () => {
    const stack = managedStack();
    stack.json.resource.google_compute_firewall.firewall_app.source_ranges.push('0.0.0.0/0');
    expect(messages('DH12-lb-hosts-private', stack)).toEqual([
      "google_compute_firewall.firewall_app: opens the app port to 0.0.0.0/0, beyond Google's load-balancer ranges 35.191.0.0/16, 130.211.0.0/22",
    ]);
  });
});
