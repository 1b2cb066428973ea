/**
 * The IPs the double gives reserved addresses and instances. Regional addresses (the hosts' external IPs, which
 * the stack's outputs carry to the inventory) come from `regional`, global ones (the load balancer's front door)
 * from `global`, instances' internal IPs from 10.132.0.x: addresses where nothing listens.
 *
 * `hosts` (name → IP of a machine the test started: the host test's throwaway hosts, a proxy standing for the
 * load balancer): an instance named after a host gets its IP as internal IP, and so does an address named after
 * one (`<prefix>-<host name>`, or the front door's own name), so the outputs Terraform writes lead SSH, Ansible
 * and the app check to that machine.
 */
export class AddressPool {
  readonly hosts = new Map<string, string>();
  private next = 10;

  constructor(
    public regional = '34.76.0.',
    public global = '34.120.0.',
  ) {}

  /** An address for the reserved address `name`: its host's IP when it is named after one. */
  take(isGlobal: boolean, name = ''): string {
    return this.hostOf(name) ?? `${isGlobal ? this.global : this.regional}${this.next++}`;
  }

  /** The IP of the test's host that the resource `name` (`docker-host-001`, `stage-docker-host-001`) stands for. */
  hostOf(name: string): string | undefined {
    for (const [host, ip] of this.hosts) if (name === host || name.endsWith(`-${host}`)) return ip;
    return undefined;
  }
}
