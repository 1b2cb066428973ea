import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { Construct } from 'constructs';

export interface CloudNatProps {
  readonly project: string;
  readonly region: string;
  readonly network: string;
  /** Name of the router and the NAT, e.g. `prod-docker-hosts-europe-west1`. */
  readonly name: string;
}

/**
 * Outbound internet for hosts without an external IP (apt, image pulls) in one region: a Cloud Router and its
 * Cloud NAT with automatically allocated addresses for every subnetwork, logging translation errors.
 */
export class CloudNat extends Construct {
  readonly router: ComputeRouter;
  readonly nat: ComputeRouterNat;

  constructor(scope: Construct, id: string, props: CloudNatProps) {
    super(scope, id);
    this.router = new ComputeRouter(this, 'router', {
      project: props.project,
      region: props.region,
      network: props.network,
      name: props.name,
    });
    this.nat = new ComputeRouterNat(this, 'nat', {
      project: props.project,
      region: props.region,
      router: this.router.name,
      name: props.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    });
  }
}
