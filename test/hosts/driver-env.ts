/**
 * The host test's way into the driver: a one-environment config (`stage`) pointing at its throwaway hosts, driver
 * state under <run dir>/driver (DOCKER_HOSTS_RUN_DIR) whose last deploy's outputs are the host test's outputs file.
 * driver-status.ts and driver-ship.ts run driver commands with it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MainDeps } from '../../driver/main';

export function hostTestDeps(runDir: string, outputs: string, privateKeyFile: string): MainDeps {
  const runBase = join(runDir, 'driver');
  mkdirSync(join(runBase, 'stage'), { recursive: true });
  const state = { lastOutputs: { file: outputs, at: new Date().toISOString() } };
  writeFileSync(join(runBase, 'stage', 'state.json'), `${JSON.stringify(state)}\n`);
  const parsed = JSON.parse(readFileSync(outputs, 'utf8')) as {
    stage: { hosts: object; app_port: number };
  };
  const hostCount = Object.keys(parsed.stage.hosts).length;
  const publicKey = readFileSync(`${privateKeyFile}.pub`, 'utf8').trim();
  const ssh = {
    user: 'deploy',
    publicKeys: [publicKey],
    privateKeyFile,
    connectVia: 'direct' as const,
  };
  // The throwaway hosts are reached directly, as public-ips hosts are (behind a load balancer SSH is IAP only).
  const stage = { name: 'stage', region: 'europe-west1', zone: 'europe-west1-b', hostCount, ssh };
  const spec = {
    environments: [
      {
        ...{
          ...stage,
          projectId: 'host-test-123',
          sshSourceRanges: ['10.0.0.0/8'],
          exposure: 'public-ips' as const,
        },
        app: { image: 'test-app:good', port: parsed.stage.app_port },
      },
    ],
  };
  return {
    ...{ root: process.cwd(), env: { ...process.env, DOCKER_HOSTS_RUN_DIR: runBase }, spec },
    ...{ stdout: process.stdout, stderr: process.stderr },
  };
}

/** Runs `body`, turning its result into the exit code (70 and the stack for an exception). */
export function exitWith(name: string, body: Promise<number>): void {
  body.then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(
        `${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 70;
    },
  );
}
