/**
 * An environment behind the load balancer, as synthesized: the chain from the reserved address to the hosts complete
 * and wired by reference, no external IP on any host, the app port open to Google's ranges only, a NAT per region.
 * (The google provider is not available offline, so these assertions on the JSON stand in for `terraform plan`.)
 */
import { Testing } from 'cdktf';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeInstanceGroup } from '@cdktf/provider-google/lib/compute-instance-group';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { EnvironmentSpec } from '../../config';
import { parseStackOutputs } from '../../stacks/outputs-parser';
import { resolveEnvs, stacksFor, TEST_PROJECT, validEnv } from '../helpers';

function synth(over: Partial<EnvironmentSpec> = {}) {
  const [stack] = stacksFor(
    resolveEnvs([validEnv({ exposure: 'load-balancer', hostCount: 3, name: 'prod', ...over })]),
  ).environments;
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) as Record<string, any> };
}

const ref = (type: string, name: string, attr = 'id') => `\${${type}.${name}.${attr}}`;

describe('load-balancer exposure, without a domain: HTTP only', () => {
  const { text, json } = synth({
    app: { port: 8080, healthCheckPath: '/healthz' },
    lbLogSampleRate: 0.25,
  });

  test('a reserved global address, and one HTTP forwarding rule on it to the proxy, to the URL map, to the backend', () => {
    expect(text).toHaveResourceWithProperties(ComputeGlobalAddress, {
      name: 'prod-docker-hosts-lb',
      address_type: 'EXTERNAL',
    });
    expect(Object.keys(json.resource.google_compute_global_forwarding_rule)).toEqual([
      'front-door_http',
    ]);
    expect(text).toHaveResourceWithProperties(ComputeGlobalForwardingRule, {
      name: 'prod-docker-hosts-http',
      port_range: '80',
      load_balancing_scheme: 'EXTERNAL_MANAGED',
      ip_address: ref('google_compute_global_address', 'front-door_address'),
      target: ref('google_compute_target_http_proxy', 'front-door_http-proxy'),
    });
    expect(text).toHaveResourceWithProperties(ComputeTargetHttpProxy, {
      url_map: ref('google_compute_url_map', 'front-door_url-map'),
    });
    expect(text).toHaveResourceWithProperties(ComputeUrlMap, {
      default_service: ref('google_compute_backend_service', 'front-door_backend'),
    });
    expect(json.resource.google_compute_target_https_proxy).toBeUndefined();
    expect(json.resource.google_compute_managed_ssl_certificate).toBeUndefined();
  });

  test('the backend service: external managed, health-checked, logged at the sample rate, draining, over the zone group', () => {
    expect(text).toHaveResourceWithProperties(ComputeBackendService, {
      name: 'prod-docker-hosts-app',
      protocol: 'HTTP',
      port_name: 'app',
      load_balancing_scheme: 'EXTERNAL_MANAGED',
      connection_draining_timeout_sec: 30,
      health_checks: [ref('google_compute_health_check', 'front-door_health-check')],
      log_config: { enable: true, sample_rate: 0.25 },
      backend: [
        {
          group: ref('google_compute_instance_group', 'front-door_group-europe-west1-b'),
          balancing_mode: 'UTILIZATION',
          capacity_scaler: 1,
        },
      ],
    });
    expect(text).toHaveResourceWithProperties(ComputeHealthCheck, {
      http_health_check: { port: 8080, request_path: '/healthz' },
    });
    expect(text).toHaveResourceWithProperties(ComputeInstanceGroup, {
      zone: 'europe-west1-b',
      named_port: [{ name: 'app', port: 8080 }],
      instances: ['001', '002', '003'].map((n) =>
        ref('google_compute_instance', `fleet_docker-host-${n}`, 'self_link'),
      ),
    });
  });

  test('the hosts have no external IP (no access config, no address) and deletion protection when asked', () => {
    for (const instance of Object.values<any>(json.resource.google_compute_instance)) {
      expect(instance.network_interface).toEqual([{ network: 'default' }]);
      expect(instance.deletion_protection).toBe(false);
    }
    expect(json.resource.google_compute_address).toBeUndefined();
    const prod = synth({ deletionProtection: true }).json;
    for (const instance of Object.values<any>(prod.resource.google_compute_instance)) {
      expect(instance.deletion_protection).toBe(true);
    }
  });

  test("the app port is open to Google's load-balancer and health-check ranges only; SSH to IAP only", () => {
    expect(text).toHaveResourceWithProperties(ComputeFirewall, {
      name: 'prod-docker-hosts-allow-app',
      allow: [{ protocol: 'tcp', ports: ['8080'] }],
      source_ranges: ['35.191.0.0/16', '130.211.0.0/22'],
    });
    expect(json.resource.google_compute_firewall.firewall_ssh.source_ranges).toEqual([
      '35.235.240.0/20',
    ]);
    expect(json.output.ssh_via.value).toBe('iap');
  });

  test('egress through a Cloud Router and Cloud NAT in the region, logging errors', () => {
    expect(text).toHaveResourceWithProperties(ComputeRouter, {
      name: 'prod-docker-hosts-europe-west1',
      region: 'europe-west1',
      network: 'default',
    });
    expect(text).toHaveResourceWithProperties(ComputeRouterNat, {
      region: 'europe-west1',
      router: ref('google_compute_router', 'nat_router', 'name'),
      nat_ip_allocate_option: 'AUTO_ONLY',
      source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      log_config: { enable: true, filter: 'ERRORS_ONLY' },
    });
  });

  test('outputs: one app_url for the environment, each host on its internal IP, and they parse', () => {
    expect(json.output.app_url.value).toBe(
      `http://${ref('google_compute_global_address', 'front-door_address', 'address')}`,
    );
    expect(json.output.app_url.description).toContain('HTTP only (no domain)');
    expect(json.output.exposure.value).toBe('load-balancer');
    expect(json.output.app_health_path.value).toBe('/healthz');
    const host = json.output.hosts.value['docker-host-001'];
    expect(host.external_ip).toBeUndefined();
    expect(host.app_url).toBe(
      `http://${ref('google_compute_instance', 'fleet_docker-host-001', 'network_interface[0].network_ip')}:8080`,
    );
    // As `cdktf output` would give them, once applied.
    const applied = {
      ...Object.fromEntries(Object.entries<any>(json.output).map(([k, v]) => [k, v.value])),
      app_url: 'http://34.120.0.1',
      hosts: {
        'docker-host-001': {
          ...host,
          name: 'docker-host-001',
          zone: 'europe-west1-b',
          internal_ip: '10.132.0.2',
          instance_id: '1',
          app_url: 'http://10.132.0.2:8080',
        },
      },
      app_urls: ['http://10.132.0.2:8080'],
    };
    const parsed = parseStackOutputs({ prod: applied }, 'prod');
    expect([parsed.app_url, parsed.exposure, parsed.hosts['docker-host-001'].external_ip]).toEqual([
      'http://34.120.0.1',
      'load-balancer',
      undefined,
    ]);
    expect(parsed.project).toBe(TEST_PROJECT);
  });
});

describe('load-balancer exposure with a domain: HTTPS, HTTP redirected', () => {
  const { text, json } = synth({ domain: 'app.example.com' });

  test('a managed certificate on the HTTPS proxy (TLS 1.2+), port 443 to it, port 80 to a redirect', () => {
    expect(text).toHaveResourceWithProperties(ComputeManagedSslCertificate, {
      managed: { domains: ['app.example.com'] },
    });
    expect(text).toHaveResourceWithProperties(ComputeTargetHttpsProxy, {
      url_map: ref('google_compute_url_map', 'front-door_url-map'),
      ssl_certificates: [ref('google_compute_managed_ssl_certificate', 'front-door_certificate')],
      ssl_policy: ref('google_compute_ssl_policy', 'front-door_ssl-policy'),
    });
    expect(text).toHaveResourceWithProperties(ComputeGlobalForwardingRule, {
      port_range: '443',
      target: ref('google_compute_target_https_proxy', 'front-door_https-proxy'),
    });
    expect(text).toHaveResourceWithProperties(ComputeGlobalForwardingRule, {
      port_range: '80',
      target: ref('google_compute_target_http_proxy', 'front-door_http-proxy'),
    });
    expect(text).toHaveResourceWithProperties(ComputeTargetHttpProxy, {
      url_map: ref('google_compute_url_map', 'front-door_redirect'),
    });
    expect(text).toHaveResourceWithProperties(ComputeUrlMap, {
      name: 'prod-docker-hosts-redirect',
      default_url_redirect: {
        https_redirect: true,
        strip_query: false,
        redirect_response_code: 'MOVED_PERMANENTLY_DEFAULT',
      },
    });
    expect(json.output.app_url.value).toBe('https://app.example.com');
  });
});

describe('public-ips exposure: no front door, no NAT', () => {
  const [stack] = stacksFor(resolveEnvs([validEnv({ exposure: 'public-ips' })])).environments;
  const json = JSON.parse(Testing.synth(stack));

  test('a static external IP per host, the app port to appSourceRanges, and nothing of the load balancer', () => {
    expect(
      json.resource.google_compute_instance['fleet_docker-host-001'].network_interface[0]
        .access_config,
    ).toEqual([
      {
        nat_ip: ref('google_compute_address', 'fleet_docker-host-001_address', 'address'),
        network_tier: 'PREMIUM',
      },
    ]);
    expect(json.resource.google_compute_firewall.firewall_app.source_ranges).toEqual(['0.0.0.0/0']);
    for (const type of [
      'google_compute_global_forwarding_rule',
      'google_compute_backend_service',
      'google_compute_router_nat',
    ]) {
      expect(json.resource[type]).toBeUndefined();
    }
    expect(stack.frontDoor).toBeUndefined();
  });
});
