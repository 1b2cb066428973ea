import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeInstanceGroup } from '@cdktf/provider-google/lib/compute-instance-group';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { Construct } from 'constructs';

/** The hosts of one zone, by self link: one unmanaged instance group each. */
export interface FrontDoorZone {
  readonly zone: string;
  readonly instances: readonly string[];
}

export interface FrontDoorProps {
  readonly project: string;
  /** Prefix of every resource name, e.g. `prod-docker-hosts`. */
  readonly namePrefix: string;
  readonly network: string;
  /**
   * The backends: the environment's hosts, zone by zone. Empty with `managedGroup` (the group heals by this front
   * door's health check, so it is made after the front door and named by `serveGroup`).
   */
  readonly zones: readonly FrontDoorZone[];
  /**
   * The backend is a managed instance group that `serveGroup` names (zones must then be empty).
   * @default false
   */
  readonly managedGroup?: boolean;
  /** The port the app listens on (the instance groups' named port `app`). */
  readonly appPort: number;
  /**
   * The path the health check asks for; the app must answer it with a 2xx.
   * @default '/'
   */
  readonly healthCheckPath?: string;
  /**
   * HTTPS with a Google-managed certificate for this domain, HTTP redirected to HTTPS.
   * @default none: HTTP only
   */
  readonly domain?: string;
  /**
   * Share of requests the backend service logs, 0 to 1.
   * @default 1
   */
  readonly logSampleRate?: number;
  /**
   * Seconds a host removed from the backend keeps its open connections.
   * @default 30
   */
  readonly drainingTimeoutSec?: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** A backend of the service: an instance group, balanced by utilisation (Google's default 0.8 of each host). */
function backendOf(group: string) {
  return { group, balancingMode: 'UTILIZATION', capacityScaler: 1 };
}

/** The named port of the instance groups, which the backend service sends traffic to. */
export const APP_PORT_NAME = 'app';

/**
 * A global external Application Load Balancer (EXTERNAL_MANAGED) in front of the hosts: a reserved global address,
 * forwarding rule, target proxy, URL map and a backend service over one unmanaged instance group per zone, with an
 * HTTP health check on the app port, request logging and connection draining. With a domain: HTTPS (Google-managed
 * certificate, TLS 1.2+ MODERN policy) and an HTTP forwarding rule that only redirects to HTTPS.
 */
export class FrontDoor extends Construct {
  readonly address: ComputeGlobalAddress;
  readonly healthCheck: ComputeHealthCheck;
  readonly groups: readonly ComputeInstanceGroup[];
  readonly backend: ComputeBackendService;
  readonly urlMap: ComputeUrlMap;
  /** `https://<domain>` or `http://<address>`: the environment's one URL (no trailing slash). */
  readonly url: string;
  private readonly labels: Readonly<Record<string, string>>;
  private served = false;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id);
    if (props.zones.length === 0 && props.managedGroup !== true)
      throw new Error(`FrontDoor "${id}": zones must name at least one zone`);
    if (props.managedGroup === true) {
      this.node.addValidation({
        validate: () => (this.served ? [] : [`FrontDoor "${id}": serveGroup was never called`]),
      });
    }
    const { project, namePrefix: prefix } = props;
    this.labels = props.labels;
    this.address = new ComputeGlobalAddress(this, 'address', {
      project,
      name: `${prefix}-lb`,
      addressType: 'EXTERNAL',
      ipVersion: 'IPV4',
      labels: { ...props.labels },
    });
    this.healthCheck = new ComputeHealthCheck(this, 'health-check', {
      project,
      name: `${prefix}-app`,
      checkIntervalSec: 10,
      timeoutSec: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      httpHealthCheck: { port: props.appPort, requestPath: props.healthCheckPath ?? '/' },
      logConfig: { enable: true },
    });
    this.groups = props.zones.map(
      (z) =>
        new ComputeInstanceGroup(this, `group-${z.zone}`, {
          project,
          zone: z.zone,
          name: `${prefix}-${z.zone}`,
          network: props.network,
          instances: [...z.instances],
          namedPort: [{ name: APP_PORT_NAME, port: props.appPort }],
        }),
    );
    this.backend = this.backendService(props);
    this.urlMap = new ComputeUrlMap(this, 'url-map', {
      project,
      name: `${prefix}-app`,
      defaultService: this.backend.id,
    });
    if (props.domain === undefined) {
      const proxy = new ComputeTargetHttpProxy(this, 'http-proxy', {
        project,
        name: `${prefix}-http`,
        urlMap: this.urlMap.id,
      });
      this.forward('http', `${prefix}-http`, '80', proxy.id, project);
      this.url = `http://${this.address.address}`;
    } else {
      this.https(prefix, project, props.domain);
      this.url = `https://${props.domain}`;
    }
  }

  /** HTTP to the instance groups' named port, health-checked, logged, draining connections of a removed host. */
  private backendService(props: FrontDoorProps): ComputeBackendService {
    return new ComputeBackendService(this, 'backend', {
      project: props.project,
      name: `${props.namePrefix}-app`,
      protocol: 'HTTP',
      portName: APP_PORT_NAME,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      timeoutSec: 30,
      connectionDrainingTimeoutSec: props.drainingTimeoutSec ?? 30,
      healthChecks: [this.healthCheck.id],
      backend: this.groups.map((g) => backendOf(g.id)),
      logConfig: { enable: true, sampleRate: props.logSampleRate ?? 1 },
    });
  }

  /** A managed instance group (its `instanceGroup` URL) as the only backend, instead of unmanaged groups. */
  serveGroup(group: string): void {
    if (this.groups.length > 0)
      throw new Error(`FrontDoor "${this.node.id}": serves its zones' hosts already`);
    this.backend.putBackend([backendOf(group)]);
    this.served = true;
  }

  private forward(
    id: string,
    name: string,
    port: string,
    target: string,
    project: string,
  ): ComputeGlobalForwardingRule {
    return new ComputeGlobalForwardingRule(this, id, {
      project,
      name,
      target,
      portRange: port,
      ipAddress: this.address.id,
      ipProtocol: 'TCP',
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      labels: { ...this.labels },
    });
  }

  /** HTTPS on 443 with the managed certificate; HTTP on 80 answers only with a redirect to it. */
  private https(prefix: string, project: string, domain: string): void {
    const certificate = new ComputeManagedSslCertificate(this, 'certificate', {
      project,
      name: `${prefix}-cert`,
      managed: { domains: [domain] },
    });
    const policy = new ComputeSslPolicy(this, 'ssl-policy', {
      project,
      name: `${prefix}-tls`,
      profile: 'MODERN',
      minTlsVersion: 'TLS_1_2',
    });
    const httpsProxy = new ComputeTargetHttpsProxy(this, 'https-proxy', {
      project,
      name: `${prefix}-https`,
      urlMap: this.urlMap.id,
      sslCertificates: [certificate.id],
      sslPolicy: policy.id,
    });
    this.forward('https', `${prefix}-https`, '443', httpsProxy.id, project);
    const redirect = new ComputeUrlMap(this, 'redirect', {
      project,
      name: `${prefix}-redirect`,
      defaultUrlRedirect: {
        httpsRedirect: true,
        stripQuery: false,
        redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT',
      },
    });
    const httpProxy = new ComputeTargetHttpProxy(this, 'http-proxy', {
      project,
      name: `${prefix}-http`,
      urlMap: redirect.id,
    });
    this.forward('http', `${prefix}-http`, '80', httpProxy.id, project);
  }
}
