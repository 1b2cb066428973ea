import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port on 127.0.0.1 that nothing listens on (the kernel's pick, released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** fake-gcs-server on 127.0.0.1 (in memory, plain HTTP), stopped by its PID. */
export class GcsEmulator {
  private constructor(
    private readonly child: ChildProcess,
    readonly base: string,
  ) {}

  /** The JSON API endpoint for Terraform's gcs backend (GOOGLE_BACKEND_STORAGE_CUSTOM_ENDPOINT). */
  get endpoint(): string {
    return `${this.base}/storage/v1/`;
  }

  static async start(bin: string, logFile: string): Promise<GcsEmulator> {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    // -public-host: the Go client reads objects at http://<endpoint host>/<bucket>/<object>, which
    // the emulator serves only for its public host; without it every read says "object doesn't exist".
    const args = [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(port),
      '-public-host',
      host,
    ];
    const log = createWriteStream(logFile);
    const child = spawn(bin, [...args, '-backend', 'memory', '-log-level', 'warn'], {
      stdio: 'pipe',
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    tieToProcess(child);
    const emulator = new GcsEmulator(child, `http://${host}`);
    await emulator.waitReady();
    return emulator;
  }

  private async waitReady(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (this.child.exitCode !== null)
        throw new Error(`fake-gcs-server exited with ${this.child.exitCode}`);
      try {
        const res = await fetch(`${this.base}/storage/v1/b`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error('fake-gcs-server did not answer within 10 s');
  }

  /** Creates a bucket through the JSON API, as the backend stack's apply would with the provider. */
  async createBucket(name: string, project: string): Promise<void> {
    const res = await this.api(`/storage/v1/b?project=${project}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, versioning: { enabled: true } }),
    });
    if (!res.ok) throw new Error(`creating bucket ${name}: HTTP ${res.status} ${await res.text()}`);
  }

  /** Object names in a bucket, sorted. */
  async list(bucket: string): Promise<string[]> {
    const res = await this.api(`/storage/v1/b/${bucket}/o`);
    if (!res.ok) throw new Error(`listing ${bucket}: HTTP ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { items?: { name: string }[] };
    return (body.items ?? []).map((o) => o.name).sort();
  }

  /** Every stored generation of every object in a bucket (versioning keeps the old ones). */
  async generations(bucket: string): Promise<{ name: string; generation: string }[]> {
    const res = await this.api(`/storage/v1/b/${bucket}/o?versions=true`);
    if (!res.ok) throw new Error(`listing ${bucket}: HTTP ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { items?: { name: string; generation: string }[] };
    return (body.items ?? []).map(({ name, generation }) => ({ name, generation }));
  }

  /** One generation of an object, as stored. */
  async readBytes(bucket: string, name: string, generation: string): Promise<Buffer> {
    const path = `/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`;
    const res = await this.api(`${path}?alt=media&generation=${generation}`);
    if (!res.ok)
      throw new Error(`reading gs://${bucket}/${name}#${generation}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** An object's content, parsed as JSON (state files are JSON). */
  async readJson(bucket: string, name: string): Promise<any> {
    const res = await this.api(`/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?alt=media`);
    if (!res.ok) throw new Error(`reading gs://${bucket}/${name}: HTTP ${res.status}`);
    return res.json();
  }

  private api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
  }

  /** Stops the emulator by its PID and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.pid === undefined) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    process.kill(this.child.pid, 'SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (this.child.exitCode === null && this.child.signalCode === null)
      process.kill(this.child.pid, 'SIGKILL');
  }
}

/**
 * The emulator ends with the test, however the test ends: a normal exit, an exception, or a signal (Ctrl-C
 * during a tier: exit 128+n, which runs the exit listeners). Without it, a fake-gcs-server outlives an
 * interrupted run.
 */
function tieToProcess(child: ChildProcess): void {
  process.once('exit', () => child.kill());
  const exits = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const;
  for (const [signal, code] of exits) {
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(code));
  }
}
