/**
 * The host test's way into the driver's `status` command: the real driver code path (commands/status.ts: the
 * inventory the `hosts` step generates, the `hosts` step's ansible-playbook call, driver/fleet/fleet-status*) against the
 * host test's stack outputs, with a one-environment config pointing at its throwaway hosts (driver-env.ts).
 *
 *   node scripts/run-app.cjs test/hosts/driver-status.ts <run dir> <outputs.json> <private key> [status options]
 *
 * Exits with the driver's exit code.
 */
import { main } from '../../driver/main';
import { exitWith, hostTestDeps } from './driver-env';

const [runDir, outputs, privateKeyFile, ...options] = process.argv.slice(2);
exitWith(
  'driver-status',
  main(['status', 'stage', ...options], hostTestDeps(runDir, outputs, privateKeyFile)),
);
