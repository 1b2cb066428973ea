import { AddressPool } from './addresses';
import { appendFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { artifactRegistryHandler } from './artifact-registry';
import { computeHandler } from './compute';
import { ApiError } from './errors';
import { iamHandler } from './iam';
import { OperationPlan } from './operations';
import { bindingLines } from './policies';
import { DoubleRequest, DoubleResponse, Handler } from './request';
import { resourceManagerHandler } from './resource-manager';
import { secretKey, secretManagerHandler } from './secret-manager';
import { BucketHook, storageHandler } from './storage';
import { Store } from './store';

/** An injected failure: the next `times` requests matching method and path part get this error instead. */
export interface Fault {
  readonly method: string;
  readonly pathIncludes: string;
  readonly status: number;
  /** Google's error reason (`errors[0].reason`) and message; a generic one when absent. */
  readonly reason?: string;
  readonly message?: string;
  /** No answer at all: the request hangs until the client gives up (logged with status 0). */
  readonly hang?: boolean;
  times: number;
}

/** One served request, as logged (a JSON line on disk, and in memory for the checks). */
export interface LoggedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/** The local double of Google's APIs, on 127.0.0.1 and a free port; every request logged as a JSON line. */
export class GoogleDouble {
  readonly store = new Store();
  readonly operations: OperationPlan = { pendingPolls: 0 };
  readonly addresses = new AddressPool();
  readonly faults: Fault[] = [];
  readonly unknown: string[] = [];
  readonly log: LoggedRequest[] = [];
  private readonly handlers: Handler[];
  private base = '';

  private constructor(
    private readonly server: Server,
    private readonly logFile: string,
    onBucket: BucketHook | undefined,
  ) {
    this.handlers = [
      storageHandler(this.store, onBucket),
      computeHandler(this.store, this.operations, this.addresses),
      iamHandler(this.store),
      resourceManagerHandler(this.store),
      artifactRegistryHandler(this.store),
      secretManagerHandler(this.store),
    ];
  }

  /** `onBucket`: called when a bucket is created (the test creates it on fake-gcs-server for the state). */
  static async start(logFile: string, onBucket?: BucketHook): Promise<GoogleDouble> {
    const server = createServer();
    const double = new GoogleDouble(server, logFile, onBucket);
    server.on('request', (req, res) => void double.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    double.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return double;
  }

  /** The provider's custom endpoints (each a base path with a trailing slash); Storage only for buckets. */
  endpoints(): Record<string, string> {
    return {
      GOOGLE_COMPUTE_CUSTOM_ENDPOINT: `${this.base}/compute/v1/`,
      GOOGLE_IAM_CUSTOM_ENDPOINT: `${this.base}/iam/`, // the provider adds v1/ itself
      GOOGLE_RESOURCE_MANAGER_CUSTOM_ENDPOINT: `${this.base}/crm/`, // the provider adds v1/ itself
      GOOGLE_ARTIFACT_REGISTRY_CUSTOM_ENDPOINT: `${this.base}/ar/v1/`,
      GOOGLE_STORAGE_CUSTOM_ENDPOINT: `${this.base}/storage/v1/`,
      GOOGLE_SECRET_MANAGER_CUSTOM_ENDPOINT: `${this.base}/sm/v1/`,
    };
  }

  /** A READY image in the project's image family, as the Packer build would leave it. */
  publishImage(project: string, family: string): void {
    const path = `/compute/v1/projects/${project}/global/images/${family}-1`;
    const image = {
      kind: 'compute#image',
      name: `${family}-1`,
      family,
      status: 'READY',
      diskSizeGb: '10',
    };
    this.store.put(path, { ...image, id: this.store.id(), selfLink: `${this.base}${path}` });
  }

  /** A secret as an operator creates it (`gcloud secrets create`): its id only, no value in the double. */
  publishSecret(project: string, id: string): void {
    const name = `projects/${project}/secrets/${id}`;
    this.store.put(secretKey(project, id), { name, replication: { automatic: {} } });
  }

  /** The project's IAM policy as `role member` lines. */
  projectBindings(project: string): string[] {
    return bindingLines(this.store.get(`/crm/v1/projects/${project}:policy`));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const text = await readBody(req);
    const request: DoubleRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      body: text ? JSON.parse(text) : {},
      base: this.base,
    };
    const fault = this.takeFault(request);
    const answer = fault?.hang ? { status: 0, body: undefined } : await this.answer(request, fault);
    const line = {
      at: Date.now(),
      method: request.method,
      path: request.path,
      status: answer.status,
    };
    this.log.push(line);
    appendFileSync(this.logFile, `${JSON.stringify(line)}\n`);
    if (answer.status === 0) return; // hangs: stop() closes the connection if the client has not
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  }

  private async answer(req: DoubleRequest, fault: Fault | undefined): Promise<DoubleResponse> {
    try {
      if (fault) throw faultError(fault, req);
      for (const handler of this.handlers) {
        const answer = await handler(req);
        if (answer) return answer;
      }
      this.unknown.push(`${req.method} ${req.path}`);
      throw new ApiError(
        404,
        `the double does not serve ${req.method} ${req.path}`,
        'NOT_FOUND',
        'notFound',
      );
    } catch (err) {
      if (err instanceof ApiError) return { status: err.code, body: err.body() };
      return { status: 500, body: new ApiError(500, String(err)).body() };
    }
  }

  private takeFault(req: DoubleRequest): Fault | undefined {
    const i = this.faults.findIndex(
      (f) => f.method === req.method && req.path.includes(f.pathIncludes),
    );
    if (i < 0) return undefined;
    const fault = this.faults[i];
    if (--fault.times <= 0) this.faults.splice(i, 1);
    return fault;
  }
}

function faultError(fault: Fault, req: DoubleRequest): ApiError {
  const message = fault.message ?? `injected fault on ${req.method} ${req.path}`;
  return new ApiError(fault.status, message, undefined, fault.reason);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (d) => (text += String(d)));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
