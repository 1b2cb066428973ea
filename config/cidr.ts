/**
 * IPv4 CIDR ranges: parsing in canonical form only, and how much of the address space a set of ranges covers
 * together (the SSH guard and policy rule DH1 both count the union, so splitting the internet into pieces does
 * not get around them).
 */

/** An SSH source range set covering more addresses than one /8 counts as "the internet". */
export const WIDEST_ADMIN_PREFIX = 8;

/** Parses `a.b.c.d/n` in canonical form (no leading zeros, no host bits); undefined otherwise. */
export function parseCidr(cidr: string): { address: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const [octets, prefix] = [m.slice(1, 5).map(Number), Number(m[5])];
  if (
    octets.some((o, i) => o > 255 || m[i + 1] !== String(o)) ||
    prefix > 32 ||
    m[5] !== String(prefix)
  ) {
    return undefined;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return address % 2 ** (32 - prefix) === 0 ? { address, prefix } : undefined;
}

/** Number of distinct IPv4 addresses the ranges cover together; overlaps count once. */
export function ipv4Coverage(ranges: readonly string[]): number {
  const spans = ranges
    .map(parseCidr)
    .filter((c) => c !== undefined)
    .map((c) => [c.address, c.address + 2 ** (32 - c.prefix)] as const)
    .sort((a, b) => a[0] - b[0]);
  let [covered, end] = [0, 0];
  for (const [lo, hi] of spans) {
    if (hi <= end) continue;
    covered += hi - Math.max(lo, end);
    end = hi;
  }
  return covered;
}

/** An IPv6 range shorter than a /32 (a whole regional registry's worth, ::/0 included) counts as the internet. */
function isWideIpv6(range: string): boolean {
  const prefix = Number(range.split('/')[1]);
  return range.includes(':') && !(prefix >= 32);
}

/** Whether the ranges, together, reach wider than the widest allowed admin range. */
export function coversInternet(ranges: readonly string[]): boolean {
  return ranges.some(isWideIpv6) || ipv4Coverage(ranges) > 2 ** (32 - WIDEST_ADMIN_PREFIX);
}
