import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { GoogleDouble } from '../double/server';

/** Where the proxy standing for prod's load balancer listens (port 80), on this machine's loopback. */
export const FRONT_DOOR_IP = '127.0.0.80';

/** An instance group's member as the double holds it: its instance's link. */
interface Member {
  readonly instance: string;
}

/**
 * The load balancer's data path, as far as this machine can stand for it: an HTTP proxy on the front door's
 * address (port 80) that sends each request to the next member of the project's instance groups, read from the
 * double at each request (the backends are what Terraform put in the groups), at the member's internal IP and
 * the group's named port. Google's own data path (health checks, draining, TLS) is not this.
 */
export class FrontDoorProxy {
  /** Requests forwarded, by backend `ip:port`. */
  readonly forwarded = new Map<string, number>();
  private next = 0;

  private constructor(
    private readonly server: Server,
    private readonly double: GoogleDouble,
    private readonly project: string,
  ) {}

  static async start(double: GoogleDouble, project: string): Promise<FrontDoorProxy> {
    const server = createServer();
    const proxy = new FrontDoorProxy(server, double, project);
    server.on('request', (req, res) => proxy.forward(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(80, FRONT_DOOR_IP, resolve);
    });
    return proxy;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The groups' members at their internal IP and named port. */
  backends(): string[] {
    const prefix = `/compute/v1/projects/${this.project}/zones/`;
    const groups = this.double.store
      .paths()
      .filter((p) => p.startsWith(prefix) && /\/instanceGroups\/[^/]+$/.test(p))
      .map((p) => this.double.store.get(p) ?? {});
    return groups.flatMap((g) => {
      const port = g.namedPorts?.[0]?.port;
      return ((g.members ?? []) as Member[]).map((m) => {
        // The provider sends the double's self link behind its endpoint again: the path is the last one.
        const path = m.instance.slice(m.instance.lastIndexOf('/compute/v1/'));
        return `${this.double.store.get(path)?.networkInterfaces?.[0]?.networkIP}:${port}`;
      });
    });
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const backends = this.backends();
    if (backends.length === 0) {
      res.writeHead(502).end('no backend in the instance groups\n');
      return;
    }
    const backend = backends[this.next++ % backends.length];
    this.forwarded.set(backend, (this.forwarded.get(backend) ?? 0) + 1);
    const [host, port] = backend.split(':');
    const upstream = request(
      { host, port: Number(port), path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (res.headersSent) res.destroy(err);
      else res.writeHead(502).end(`${backend}: ${err.message}\n`);
    });
    req.pipe(upstream);
  }
}
