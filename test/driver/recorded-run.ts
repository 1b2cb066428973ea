/**
 * The driver run in process with a recording executor that answers for every tool (recording-exec.ts): what the
 * sequencing, signal and plan-contract tests share.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { ExecIo } from '../../driver/exec/exec';
import type { MainDeps } from '../../driver/main';
import {
  App,
  Captured,
  readJson,
  REPO_ROOT,
  runDriver,
  Sandbox,
  testEnv,
  testSpec,
} from './harness';
import { RecordingExec, Tools, toolResponder } from './recording-exec';

/** A real plan of test/fixtures/plans/ (npm run fixtures:plans), by its name. */
export function planFixture(name: string): string {
  return join(REPO_ROOT, 'test', 'fixtures', 'plans', `${name}.json`);
}

export interface RecordedOptions {
  /** What the tools answer (recording-exec.ts Tools); the check's port is the test app's. */
  readonly tools?: Partial<Tools>;
  readonly signals?: EventEmitter;
  readonly ask?: MainDeps['ask'];
}

export interface RecordedRun {
  /** Settles when main() returns. */
  readonly result: Promise<Captured>;
  /** The executor main() made for the run; undefined until it has. */
  exec(): RecordingExec | undefined;
}

/** Starts the driver with `argv` in the sandbox, its tools answered by a recording executor. */
export function startRecorded(
  argv: string[],
  sb: Sandbox,
  app: App,
  options: RecordedOptions = {},
): RecordedRun {
  let exec: RecordingExec | undefined;
  const makeExec = (io: ExecIo) =>
    (exec = new RecordingExec(io, toolResponder({ port: app.port, ...options.tools })));
  const result = runDriver(argv, sb, {
    spec: testSpec(sb, app.port),
    env: testEnv(sb),
    signals: options.signals,
    ask: options.ask,
    makeExec,
  });
  return { result, exec: () => exec };
}

/** The run folder of the environment's last `up`. */
export function lastUpRun(sb: Sandbox, environment = 'stage'): string {
  const state = readJson(join(sb.runBase, environment, 'state.json')) as {
    lastRun: { up: string };
  };
  return state.lastRun.up;
}

/** Waits (up to about 5 s) until the run has started a call whose line begins with `prefix`. */
export async function untilCalled(run: RecordedRun, prefix: string): Promise<void> {
  const called = () => run.exec()?.calls.some((c) => c.line.startsWith(prefix)) === true;
  for (let i = 0; i < 500 && !called(); i++) await new Promise((r) => setTimeout(r, 10));
}
