import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectSpec } from '../../config';
import { GcsEmulator } from '../terraform/emulator';
import { assert, assertEqual, Tally } from '../terraform/harness';
import { Tf } from '../terraform/terraform';
import { GoogleDouble } from '../double/server';
import { environmentKeys, stateKeys } from '../double/state';
import { REAL_PROJECT } from '../driver-real/setup';
import { FrontDoorProxy } from './front-door';
import { TestHosts } from './hosts';
import { AppSecret } from './secrets';

/** What the checks share: the project copy, the driver's environment, the double, the state's emulator, the hosts. */
export interface WholeUp {
  readonly repo: string;
  /** The copy's config as written at the start (changeChecks rewrites it). */
  readonly spec: ProjectSpec;
  readonly env: NodeJS.ProcessEnv;
  readonly tf: Tf;
  readonly gcs: GcsEmulator;
  readonly double: GoogleDouble;
  readonly tally: Tally;
  /** The throwaway hosts the instances stand for. */
  readonly hosts: TestHosts;
  /** The proxy standing for the load balancer's data path. */
  readonly frontDoor: FrontDoorProxy;
  /** stage's app secret (its value made for this run), which must reach its container and nothing else. */
  readonly secret: AppSecret;
  /** Everything each driver run printed (test/whole-up/driver.ts keeps it), in order. */
  readonly outputs: string[];
}

/** `up stage` as CI runs it: no image build, no prompt. */
export const UP = ['up', 'stage', '--skip-image', '--auto-approve'];

export function locksReleased(t: WholeUp, environment = 'stage'): void {
  assert(
    !existsSync(join(t.repo, '.run', environment, 'lock')),
    'the environment lock is still held',
  );
  assert(!existsSync(join(t.repo, '.run', 'cdktf.lock')), 'the cdktf lock is still held');
}

/**
 * The requests since `from` that change something at Google: not GETs, nor the reads Google serves by POST
 * (getIamPolicy, an instance group's listInstances).
 */
export function writeRequests(t: WholeUp, from: number): string[] {
  const reads = [/:getIamPolicy$/, /\/listInstances$/];
  return t.double.log
    .slice(from)
    .filter((l) => l.method !== 'GET' && !reads.some((r) => r.test(l.path)))
    .map((l) => `${l.method} ${l.path}`);
}

/** The newest run folder of the environment. */
export function lastRun(t: WholeUp, environment = 'stage'): string {
  const dir = join(t.repo, '.run', environment);
  const runs = readdirSync(dir)
    .filter((d) => /^\d{8}T/.test(d))
    .sort();
  assert(runs.length > 0, `no run folder in ${dir}`);
  return join(dir, runs[runs.length - 1]);
}

/** An environment stack's state against the double (the other environment must have none of its own there). */
export async function stateMatches(t: WholeUp, stack = 'stage'): Promise<void> {
  // Each run synthesizes and inits in its own folder: the newest run of the environment has the stack's working dir.
  const state = await stateKeys(t.tf, join(lastRun(t, stack), 'cdktf.out', 'stacks', stack));
  assertEqual(
    state,
    environmentKeys(t.double, REAL_PROJECT),
    `the ${stack} state against the double`,
  );
}
