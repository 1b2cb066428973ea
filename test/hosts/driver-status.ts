/**
 * The host test's way into the driver's `status` command: the real driver code path (commands/status.ts: the
 * inventory the `hosts` step generates, the `hosts` step's ansible-playbook call, lib/fleet-status*) against the
 * host test's stack outputs, with a one-environment config pointing at its throwaway hosts.
 *
 *   node scripts/run-app.cjs test/hosts/driver-status.ts <run dir> <outputs.json> <private key> [status options]
 *
 * Driver state goes to <run dir>/driver (DOCKER_HOSTS_RUN_DIR); the outputs file is what `status` reads as the last
 * deploy's. Exits with the driver's exit code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../driver/main';

async function run(argv: string[]): Promise<number> {
  const [runDir, outputs, privateKeyFile, ...options] = argv;
  const runBase = join(runDir, 'driver');
  mkdirSync(join(runBase, 'stage'), { recursive: true });
  const state = { lastOutputs: { file: outputs, at: new Date().toISOString() } };
  writeFileSync(join(runBase, 'stage', 'state.json'), `${JSON.stringify(state)}\n`);
  const parsed = JSON.parse(readFileSync(outputs, 'utf8')) as { stage: { hosts: object; app_port: number } };
  const hostCount = Object.keys(parsed.stage.hosts).length;
  const publicKey = readFileSync(`${privateKeyFile}.pub`, 'utf8').trim();
  const ssh = { user: 'deploy', publicKeys: [publicKey], privateKeyFile, connectVia: 'direct' as const };
  const stage = { name: 'stage', region: 'europe-west1', zone: 'europe-west1-b', hostCount, ssh };
  const spec = {
    environments: [
      {
        ...{ ...stage, projectId: 'host-test-123', sshSourceRanges: ['10.0.0.0/8'] },
        app: { image: 'test-app:good', port: parsed.stage.app_port },
      },
    ],
  };
  return main(['status', 'stage', ...options], {
    ...{ root: process.cwd(), env: { ...process.env, DOCKER_HOSTS_RUN_DIR: runBase }, spec },
    ...{ stdout: process.stdout, stderr: process.stderr },
  });
}

run(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`driver-status: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
