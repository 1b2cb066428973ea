import { EnvironmentConfig } from '../../config';
import { releaseMetadata } from '../../stacks/managed-outputs';
import { FIXTURE_RELEASE } from './fixtures';
import { assertEqual } from './harness';
import { plannedValues, releaseVar } from './plan';
import { SynthStack } from './synth';
import { terraformFails, Tf } from './terraform';

/**
 * A managed environment's plan, as the real provider resolved it: the template carries the release the variable
 * gave (the boot unit's JSON), no external IP, the fleet's own account and the shielded VM; the group heals by the
 * front door's health check and rolls with nothing unavailable; the autoscaler keeps the configured range.
 */
export function managedSafety(env: EnvironmentConfig, plan: Record<string, any>): void {
  const managed = env.managed;
  if (managed === undefined) throw new Error(`${env.name} is not a managed fleet`);
  const t = plannedValues(plan, 'google_compute_region_instance_template.host-template');
  assertEqual(
    JSON.parse(t.metadata['docker-hosts-release']),
    releaseMetadata(env, FIXTURE_RELEASE),
    'template: docker-hosts-release metadata',
  );
  assertEqual(
    t.metadata['enable-oslogin'],
    env.ssh.osLogin ? 'TRUE' : 'FALSE',
    'template: OS Login',
  );
  assertEqual(t.network_interface[0].access_config, [], 'template: access_config');
  assertEqual(
    t.service_account[0].email,
    `docker-hosts-${env.name}@${env.projectId}.iam.gserviceaccount.com`,
    'template: service account',
  );
  assertEqual(
    t.shielded_instance_config,
    [{ enable_integrity_monitoring: true, enable_secure_boot: true, enable_vtpm: true }],
    'template: shielded VM',
  );
  const g = plannedValues(plan, 'google_compute_region_instance_group_manager.managed-group');
  assertEqual(g.distribution_policy_zones, managed.zones, 'group: zones');
  assertEqual(
    g.auto_healing_policies[0].initial_delay_sec,
    managed.initialDelaySec,
    'group: delay',
  );
  const u = g.update_policy[0];
  // replacement_method: the provider suppresses "SUBSTITUTE" (Google's default) in the plan, so it plans null.
  assertEqual(
    [u.type, u.minimal_action, u.replacement_method, u.max_unavailable_fixed, u.max_surge_fixed],
    ['PROACTIVE', 'REPLACE', null, 0, managed.maxSurge],
    'group: update policy',
  );
  const a = plannedValues(plan, 'google_compute_region_autoscaler.autoscaler')
    .autoscaling_policy[0];
  assertEqual(
    [a.min_replicas, a.max_replicas],
    [managed.minHosts, managed.maxHosts],
    'autoscaler: range',
  );
}

/** Terraform itself refuses a release that is not an image by digest (the variable's validation). */
export function releaseRefused(tf: Tf, dir: string, stack: SynthStack): string {
  return terraformFails(
    tf,
    dir,
    ['plan', '-input=false', ...releaseVar(stack, 'registry.example/app:latest')],
    'release_image must be an image by digest',
  );
}
