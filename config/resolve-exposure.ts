/** The exposure section: how the app is reached (a load balancer in front, or a public IP per host) and from where. */
import { DEFAULTS } from './defaults';
import { EnvironmentSpec, Exposure, EXPOSURES, GOOGLE_LB_RANGES } from './environment-config';
import { checkOneOf, checkPattern, fail } from './error';
import { PATTERNS } from './patterns';
import { show } from './redact';
import { checkRanges } from './resolve-network';

function resolveSampleRate(env: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    fail(
      { env, name: 'lbLogSampleRate' },
      `must be a number from 0 to 1, such as 0.1 (got ${show(value)})`,
    );
  }
  return value;
}

/** Fields that only one mode reads are refused in the other, so that no setting silently does nothing. */
function refuseOtherMode(env: string, spec: EnvironmentSpec, exposure: Exposure): void {
  const onlyFor: Record<Exposure, readonly (keyof EnvironmentSpec)[]> = {
    'load-balancer': ['domain', 'lbLogSampleRate'],
    'public-ips': ['appSourceRanges'],
  };
  for (const mode of EXPOSURES) {
    if (mode === exposure) continue;
    const given = onlyFor[mode].find((f) => spec[f] !== undefined);
    if (given !== undefined) {
      const why =
        exposure === 'load-balancer'
          ? "behind the load balancer only Google's load-balancer ranges reach the app port"
          : 'there is no load balancer';
      fail(
        { env, name: given },
        `applies only with exposure "${mode}" (got ${show(spec[given])} with exposure "${exposure}": ${why})`,
      );
    }
  }
}

/** The exposure section of one environment, validated and defaulted. */
export function resolveExposure(env: string, spec: EnvironmentSpec) {
  const exposure = checkOneOf(
    { env, name: 'exposure' },
    spec.exposure ?? DEFAULTS.exposure,
    EXPOSURES,
  );
  refuseOtherMode(env, spec, exposure);
  const behindLb = exposure === 'load-balancer';
  return {
    exposure,
    ...(spec.domain === undefined
      ? {}
      : { domain: checkPattern({ env, name: 'domain' }, spec.domain, PATTERNS.domain) }),
    lbLogSampleRate: resolveSampleRate(env, spec.lbLogSampleRate ?? DEFAULTS.lbLogSampleRate),
    appSourceRanges: behindLb
      ? [...GOOGLE_LB_RANGES]
      : checkRanges(
          { env, name: 'appSourceRanges' },
          spec.appSourceRanges ?? DEFAULTS.appSourceRanges,
        ),
  };
}
