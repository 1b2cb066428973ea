/** The rollout section: how many hosts swap a release at a time (Ansible's list form of `serial`). */
import { DEFAULTS } from './defaults';
import { MAX_HOST_COUNT, RolloutSpec } from './environment-config';
import { checkInt, fail } from './error';
import { show } from './redact';

/** A share of the fleet: `1%` to `100%`, as Ansible's `serial` takes it. */
const SHARE = /^(100|[1-9][0-9]?)%$/;

function resolveBatch(env: string, batch: unknown): number | string {
  const field = { env, name: 'rollout.batch' };
  if (typeof batch === 'number') return checkInt(field, batch, 1, MAX_HOST_COUNT);
  if (typeof batch !== 'string' || !SHARE.test(batch)) {
    fail(
      field,
      `must be a number of hosts from 1 to ${MAX_HOST_COUNT} or a percentage from "1%" to "100%" ` +
        `(got ${show(batch)})`,
    );
  }
  return batch;
}

/** `canary` hosts alone first (at most the fleet), then `batch` hosts at a time. */
export function resolveRollout(env: string, spec: RolloutSpec | undefined, hostCount: number) {
  const rollout = spec ?? {};
  const canary = checkInt(
    { env, name: 'rollout.canary' },
    rollout.canary ?? DEFAULTS.rollout.canary,
    1,
    MAX_HOST_COUNT,
  );
  if (canary > hostCount) {
    fail(
      { env, name: 'rollout.canary' },
      `must be at most hostCount (${hostCount}): the canary is part of the fleet (got ${canary})`,
    );
  }
  return { canary, batch: resolveBatch(env, rollout.batch ?? DEFAULTS.rollout.batch) };
}
