/** The network section: the VPC, who reaches the app port and SSH, and how the tools reach the hosts. */
import { coversInternet, parseCidr, WIDEST_ADMIN_PREFIX } from './cidr';
import { DEFAULTS } from './defaults';
import { EnvironmentSpec, Exposure, IAP_SSH_RANGE } from './environment-config';
import { checkBool, checkOneOf, checkPattern, fail, Field } from './error';
import { PATTERNS } from './patterns';
import { show } from './redact';

const CIDR_EXAMPLE = 'IPv4 CIDR ranges in canonical form such as "203.0.113.0/24"';

export function checkRanges(field: Field, value: readonly unknown[]): string[] {
  if (!Array.isArray(value) || value.length === 0)
    fail(field, `must be a non-empty list of ${CIDR_EXAMPLE} (got ${show(value)})`);
  const seen = new Set<string>();
  for (const range of value) {
    if (typeof range === 'string' && range.includes(':')) {
      fail(
        field,
        `must contain IPv4 ranges only: the hosts have no IPv6 address, so an IPv6 range opens nothing (got ${show(range)})`,
      );
    }
    if (typeof range !== 'string' || parseCidr(range) === undefined) {
      fail(
        field,
        `must contain ${CIDR_EXAMPLE}: no leading zeros, no host bits set (got ${show(range)})`,
      );
    }
    if (seen.has(range)) fail(field, `must not repeat a range (got "${range}" twice)`);
    seen.add(range);
  }
  return [...(value as string[])];
}

function resolveSshRanges(env: string, spec: EnvironmentSpec, allowAnywhere: boolean): string[] {
  const field = { env, name: 'sshSourceRanges' };
  const ranges = checkRanges(field, spec.sshSourceRanges ?? DEFAULTS.sshSourceRanges);
  // The union counts: 256 /8s, or 0.0.0.0/1 + 128.0.0.0/1, are the internet as much as 0.0.0.0/0 is.
  if (!allowAnywhere && coversInternet(ranges)) {
    fail(
      field,
      `must not cover more than one /${WIDEST_ADMIN_PREFIX} of addresses in total (that is the internet) ` +
        `unless allowSshFromAnywhere is true (got ${show(ranges)})`,
    );
  }
  return ranges;
}

function resolveConnectVia(
  env: string,
  value: unknown,
  sshSourceRanges: readonly string[],
  exposure: Exposure,
): 'direct' | 'iap' {
  const field = { env, name: 'ssh.connectVia' };
  const iapOnly = sshSourceRanges.every((r) => r === IAP_SSH_RANGE);
  const behindLb = exposure === 'load-balancer';
  const connectVia = checkOneOf(field, value ?? (iapOnly || behindLb ? 'iap' : 'direct'), [
    'direct',
    'iap',
  ] as const);
  if (connectVia === 'direct' && behindLb) {
    fail(
      field,
      'is "direct", but with exposure "load-balancer" the hosts have no external IP to connect to: ' +
        'use "iap" (or exposure "public-ips")',
    );
  }
  // The route must be one the environment's own firewall lets through, or the run fails late, at SSH.
  if (connectVia === 'iap' && !sshSourceRanges.includes(IAP_SSH_RANGE)) {
    fail(
      field,
      `is "iap", so sshSourceRanges must include Google's IAP range "${IAP_SSH_RANGE}" ` +
        `(got ${show(sshSourceRanges)}); or set connectVia to "direct"`,
    );
  }
  if (connectVia === 'direct' && iapOnly) {
    fail(
      field,
      `is "direct", so sshSourceRanges must include the network you connect from, not only IAP's ` +
        `"${IAP_SSH_RANGE}" (got ${show(sshSourceRanges)}); or set connectVia to "iap"`,
    );
  }
  return connectVia;
}

/** The network section of one environment, validated and defaulted; `exposure` decides the default SSH route. */
export function resolveNetwork(env: string, spec: EnvironmentSpec, exposure: Exposure) {
  const allowSshFromAnywhere = checkBool(
    { env, name: 'allowSshFromAnywhere' },
    spec.allowSshFromAnywhere ?? DEFAULTS.allowSshFromAnywhere,
  );
  const sshSourceRanges = resolveSshRanges(env, spec, allowSshFromAnywhere);
  return {
    network: checkPattern(
      { env, name: 'network' },
      spec.network ?? DEFAULTS.network,
      PATTERNS.network,
    ),
    sshSourceRanges,
    allowSshFromAnywhere,
    connectVia: resolveConnectVia(env, spec.ssh?.connectVia, sshSourceRanges, exposure),
  };
}
