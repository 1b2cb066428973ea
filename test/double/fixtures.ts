import { Fixture, FIXTURES } from '../terraform/fixtures';

/** The public-ips shape: one host on its own address (the Terraform tier's fixture). */
export const PUBLIC_IPS: Fixture = fixture('single-public-ips');

/** The secret the load-balancer fixture's app reads: the operator's, published in the double before the apply. */
export const LB_SECRET = 'app-key';

/**
 * The load-balancer shape with a domain (HTTPS, a managed certificate): prod's shape, one host, with the app's
 * data: a secret (its secretAccessor grant), an accessory with a port (its firewall rule) and a data disk with its
 * snapshot policy.
 */
export const LOAD_BALANCER: Fixture = {
  name: 'single-lb-domain',
  spec: {
    ...fixture('single').spec,
    environments: fixture('single').spec.environments.map((e) => ({
      ...e,
      domain: 'app.example.com',
      app: { secrets: { SECRET_KEY_BASE: LB_SECRET } },
      accessories: { mongo: { image: 'mongo:4.4', port: 27017, volumes: ['mongo:/data/db'] } },
      dataDisk: { sizeGb: 10 },
    })),
  },
};

function fixture(name: string): Fixture {
  const found = FIXTURES.find((f) => f.name === name);
  if (!found) throw new Error(`no Terraform-tier fixture ${name}`);
  return found;
}

/**
 * The Terraform tier's managed fixture (regional templates, groups, autoscalers): `web` on every managed default,
 * `scale` over four zones with HTTPS and a load-balancing target.
 */
export const MANAGED: Fixture = fixture('managed');
