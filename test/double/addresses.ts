/**
 * The IPs the double gives reserved addresses and instances. Regional addresses (the hosts' external IPs, which
 * the stack's outputs carry to the inventory) come from `regional`, global ones (the load balancer's front door)
 * from `global`, instances' internal IPs from 10.132.0.x: addresses where nothing listens.
 *
 * `hosts` (host name → IP of a machine the test started, e.g. the host test's throwaway hosts): an instance named
 * after one of them gets its IP as internal IP, and so does its regional address (`<prefix>-<host name>`), so the
 * outputs Terraform writes lead SSH, Ansible and the app check to that machine.
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
    const host = isGlobal ? undefined : this.hostOf(name);
    return host ?? `${isGlobal ? this.global : this.regional}${this.next++}`;
  }

  /** The IP of the test's host that the resource `name` (`docker-host-001`, `stage-docker-host-001`) stands for. */
  hostOf(name: string): string | undefined {
    for (const [host, ip] of this.hosts) if (name === host || name.endsWith(`-${host}`)) return ip;
    return undefined;
  }
}
