/**
 * The check step, in-process: an HTTP GET to every host's app URL, retried until a deadline, all hosts at once.
 * A host passes on any 2xx/3xx answer; the failure names every host that did not answer, and why.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { hostList, StackOutputs } from '../../stacks/outputs';
import { formatDuration } from '../format';
import { readFleetOutputs } from '../outputs';
import type { HttpCheckTask } from '../plan/steps';
import { StepFailure, TaskContext } from '../runner/run-plan';

type Target = { readonly host: string; readonly url: string };
/** `detail`: `HTTP 200 in 35ms`, `connection refused`, `no answer within 5.0s`, … */
type Probe = { readonly ok: boolean; readonly detail: string };

/** The load balancer's URL when the environment has one: behind it, the hosts' internal URLs do not answer from here. */
export function frontDoor(outputs: Pick<StackOutputs, 'exposure' | 'app_url'>): string | undefined {
  return outputs.exposure === 'load-balancer' ? outputs.app_url : undefined;
}

/** What answers for the app at `path`: the front door, or else every host's own URL. */
export function appTargets(
  outputs: Pick<StackOutputs, 'exposure' | 'app_url' | 'hosts'>,
  path: string,
): Target[] {
  const front = frontDoor(outputs);
  if (front !== undefined) return [{ host: 'load balancer', url: `${front}${path}` }];
  return hostList(outputs).map((h) => ({ host: h.name, url: `${h.app_url}${path}` }));
}

const ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'name not found',
  EAI_AGAIN: 'name lookup failed',
};

/** Why a request failed, as a person reads it. */
function failure(error: unknown, timeoutMs: number, signal?: AbortSignal): string {
  if (signal?.aborted) return 'interrupted';
  const e = error as Error & { cause?: NodeJS.ErrnoException };
  if (e.name === 'TimeoutError') return `no answer within ${(timeoutMs / 1000).toFixed(1)}s`;
  return ERRORS[e.cause?.code ?? ''] ?? e.cause?.message ?? e.message;
}

/** One GET (redirects not followed: a 3xx is an answer); never throws. */
export async function probe(url: string, timeoutMs: number, signal?: AbortSignal): Promise<Probe> {
  const started = Date.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { 'user-agent': 'docker-hosts-driver' },
      signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
    });
    await res.body?.cancel();
    return {
      ok: res.status >= 200 && res.status < 400,
      detail: `HTTP ${res.status} in ${Date.now() - started}ms`,
    };
  } catch (error) {
    return { ok: false, detail: failure(error, timeoutMs, signal) };
  }
}

/** Retries each target until it answers or the deadline passes; all targets in parallel. */
export async function checkTargets(
  targets: readonly Target[],
  options: Pick<HttpCheckTask, 'deadlineMs' | 'attemptTimeoutMs' | 'intervalMs'> &
    Partial<TaskContext>,
) {
  const deadline = Date.now() + options.deadlineMs;
  const { signal } = options;
  return Promise.all(
    targets.map(async (target) => {
      for (let attempts = 1; ; attempts++) {
        // The last attempt may end up to a second past the deadline rather than be cut to nothing.
        const timeout = Math.min(options.attemptTimeoutMs, Math.max(deadline - Date.now(), 1000));
        const last = await probe(target.url, timeout, signal);
        options.log?.(`${target.host} ${target.url} attempt ${attempts}: ${last.detail}`);
        const remaining = deadline - Date.now();
        const done = () => ({ ...target, ...last, attempts });
        if (last.ok || signal?.aborted || remaining <= 0) return done();
        // Aborted (Ctrl-C): stop waiting at once.
        await sleep(Math.min(options.intervalMs, remaining), undefined, { signal }).catch(
          () => undefined,
        );
        if (signal?.aborted) return done();
      }
    }),
  );
}

/** The check step: every host (or the load balancer) answers within the deadline, or a failure naming each one. */
export async function httpCheck(task: HttpCheckTask, taskCtx: TaskContext): Promise<void> {
  let fleet;
  try {
    fleet = readFleetOutputs(task.outputsFile, task.stack);
  } catch (error) {
    throw new StepFailure(`cannot read the hosts: ${(error as Error).message}`);
  }
  // A managed group answers through its front door only.
  const outputs: Pick<StackOutputs, 'exposure' | 'app_url' | 'app_port' | 'hosts'> =
    fleet.fleet === 'managed'
      ? { exposure: 'load-balancer', app_url: fleet.app_url, app_port: fleet.app_port, hosts: {} }
      : fleet;
  const targets = appTargets(outputs, task.path);
  if (targets.length === 0)
    throw new StepFailure(`${task.outputsFile} lists no hosts for ${task.stack}`);
  const results = await checkTargets(targets, {
    ...task,
    signal: taskCtx.signal,
    log: taskCtx.log,
  });
  const failed = results.filter((x) => !x.ok);
  if (failed.length === 0) return;
  const front = frontDoor(outputs);
  const what =
    front !== undefined
      ? `the load balancer did not answer at ${front}`
      : `${failed.length} of ${results.length} hosts did not answer on port ${outputs.app_port}`;
  throw new StepFailure(
    `${what} within ${formatDuration(task.deadlineMs)}: ` + failed.map((f) => f.host).join(', '),
    failed.map(
      (f) =>
        `${f.host}  ${f.url}  ${f.detail} (${f.attempts} ${f.attempts === 1 ? 'attempt' : 'attempts'})`,
    ),
  );
}
