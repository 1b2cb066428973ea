/**
 * The IPs the double gives reserved addresses: regional ones from `regional` (the hosts' external IPs, which
 * the stack's outputs carry to the inventory), global ones from `global` (the load balancer's front door).
 * A test whose tools connect to the hosts sets `regional` to a loopback prefix, so nothing leaves the machine.
 */
export class AddressPool {
  private next = 10;

  constructor(
    public regional = '34.76.0.',
    public global = '34.120.0.',
  ) {}

  take(isGlobal: boolean): string {
    return `${isGlobal ? this.global : this.regional}${this.next++}`;
  }
}
