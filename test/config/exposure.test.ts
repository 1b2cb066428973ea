import {
  ConfigError,
  DEFAULTS,
  EnvironmentSpec,
  GOOGLE_LB_RANGES,
  IAP_SSH_RANGE,
} from '../../config';
import { FIXTURE_PROJECT, resolveEnvs, testContext, validEnv } from '../helpers';
import { resolveProject } from '../../config';

/** validEnv without its test default of public-ips: the record as an operator writes it. */
function bare(over: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  const { exposure: _ignored, ...env } = validEnv();
  void _ignored;
  return { ...env, ...over };
}

function errorOf(over: Partial<EnvironmentSpec>): string {
  try {
    resolveEnvs([bare(over)]);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('resolved');
}

describe('exposure', () => {
  test('defaults: load-balancer, HTTP only, every request logged, health check on /, no deletion protection', () => {
    const [env] = resolveEnvs([bare()]).environments;
    expect(env).toMatchObject({
      exposure: 'load-balancer',
      lbLogSampleRate: 1,
      deletionProtection: false,
      appSourceRanges: GOOGLE_LB_RANGES,
      app: { healthCheckPath: '/' },
      ssh: { connectVia: 'iap' },
    });
    expect('domain' in env).toBe(false);
    expect(DEFAULTS.exposure).toBe('load-balancer');
    expect(GOOGLE_LB_RANGES).toEqual(['35.191.0.0/16', '130.211.0.0/22']);
  });

  test('every field given', () => {
    const [env] = resolveEnvs([
      bare({
        domain: 'app.example.com',
        lbLogSampleRate: 0.1,
        deletionProtection: true,
        app: { healthCheckPath: '/healthz' },
      }),
    ]).environments;
    expect([
      env.domain,
      env.lbLogSampleRate,
      env.deletionProtection,
      env.app.healthCheckPath,
    ]).toEqual(['app.example.com', 0.1, true, '/healthz']);
  });

  test('behind the load balancer SSH is through IAP even with other admin ranges listed', () => {
    const [env] = resolveEnvs([
      bare({ sshSourceRanges: [IAP_SSH_RANGE, '10.8.0.0/16'] }),
    ]).environments;
    expect(env.ssh.connectVia).toBe('iap');
  });

  test('public-ips keeps the original shape: appSourceRanges, direct SSH from an admin range', () => {
    const [env] = resolveEnvs([
      bare({
        exposure: 'public-ips',
        appSourceRanges: ['198.51.100.0/24'],
        sshSourceRanges: ['203.0.113.0/24'],
      }),
    ]).environments;
    expect([env.exposure, env.appSourceRanges, env.ssh.connectVia]).toEqual([
      'public-ips',
      ['198.51.100.0/24'],
      'direct',
    ]);
  });

  test('each record keeps its own mode and deletion protection: prod behind the load balancer, stage on public IPs', () => {
    const envs = resolveProject(FIXTURE_PROJECT, testContext()).environments;
    expect(envs.map((e) => [e.name, e.exposure, e.deletionProtection])).toEqual([
      ['stage', 'public-ips', false],
      ['prod', 'load-balancer', true],
    ]);
  });

  test.each<[string, Partial<EnvironmentSpec>, string]>([
    [
      'an unknown mode',
      { exposure: 'cdn' as never },
      'field "exposure" must be "load-balancer" or "public-ips" (got "cdn")',
    ],
    [
      'direct SSH behind the load balancer',
      { sshSourceRanges: ['203.0.113.0/24'], ssh: { connectVia: 'direct' } },
      'field "ssh.connectVia" is "direct", but with exposure "load-balancer" the hosts have no external IP to connect to',
    ],
    [
      'direct SSH by default from an office range, behind the load balancer',
      { sshSourceRanges: ['203.0.113.0/24'] },
      'field "ssh.connectVia" is "iap", so sshSourceRanges must include Google\'s IAP range',
    ],
    [
      'appSourceRanges behind the load balancer',
      { appSourceRanges: ['0.0.0.0/0'] },
      'field "appSourceRanges" applies only with exposure "public-ips" (got ["0.0.0.0/0"] with exposure "load-balancer": behind the load balancer only Google\'s load-balancer ranges reach the app port)',
    ],
    [
      'a domain on public IPs',
      { exposure: 'public-ips', domain: 'app.example.com' },
      'field "domain" applies only with exposure "load-balancer" (got "app.example.com" with exposure "public-ips": there is no load balancer)',
    ],
    [
      'a sample rate on public IPs',
      { exposure: 'public-ips', lbLogSampleRate: 0.5 },
      'field "lbLogSampleRate" applies only with exposure "load-balancer"',
    ],
    [
      'a URL for a domain',
      { domain: 'https://app.example.com' },
      'field "domain" must be a lowercase DNS name',
    ],
    [
      'a single-label domain',
      { domain: 'localhost' },
      'field "domain" must be a lowercase DNS name',
    ],
    [
      'a sample rate above 1',
      { lbLogSampleRate: 2 },
      'field "lbLogSampleRate" must be a number from 0 to 1, such as 0.1 (got 2)',
    ],
    [
      'a negative sample rate',
      { lbLogSampleRate: -0.1 },
      'field "lbLogSampleRate" must be a number from 0 to 1',
    ],
    [
      'a relative health path',
      { app: { healthCheckPath: 'healthz' } },
      'field "app.healthCheckPath" must be an absolute URL path',
    ],
    [
      'a health path with a query',
      { app: { healthCheckPath: '/h?x=1' } },
      'field "app.healthCheckPath" must be an absolute URL path',
    ],
    [
      'deletion protection as a string',
      { deletionProtection: 'yes' as never },
      'field "deletionProtection" must be true or false (got "yes")',
    ],
  ])('refused: %s', (_label, over, message) => {
    const text = errorOf(over);
    expect(text).toContain(`environment "stage": ${message}`);
    expect(text.split('\n')).toHaveLength(1);
  });
});
