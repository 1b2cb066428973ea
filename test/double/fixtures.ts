import { Fixture, FIXTURES } from '../terraform/fixtures';

/** The public-ips shape: one host on its own address (the Terraform tier's fixture). */
export const PUBLIC_IPS: Fixture = fixture('single-public-ips');

/** The load-balancer shape with a domain (HTTPS, a managed certificate): prod's shape, one host. */
export const LOAD_BALANCER: Fixture = {
  name: 'single-lb-domain',
  spec: {
    ...fixture('single').spec,
    environments: fixture('single').spec.environments.map((e) => ({
      ...e,
      domain: 'app.example.com',
    })),
  },
};

function fixture(name: string): Fixture {
  const found = FIXTURES.find((f) => f.name === name);
  if (!found) throw new Error(`no Terraform-tier fixture ${name}`);
  return found;
}
