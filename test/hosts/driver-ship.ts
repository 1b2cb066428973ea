/**
 * The host test's way into the ship commands, on the real code paths against its throwaway hosts (driver-env.ts):
 *
 *   node scripts/run-app.cjs test/hosts/driver-ship.ts <run dir> <outputs.json> <private key> build <repository> <tag> <context>
 *     the build step's own functions (driver/release/release-task.ts): the ssh wrapper with the hosts step's ssh options,
 *     `docker manifest inspect`, `docker build` on host 1 with DOCKER_HOST=ssh://deploy@<host 1>, `docker push`, the
 *     digest from the push; prints the release file (the repository is given: the test registry is no
 *     Artifact Registry, which the registry stack's outputs parser insists on)
 *   node scripts/run-app.cjs test/hosts/driver-ship.ts <run dir> <outputs.json> <private key> <command> [args]
 *     the driver's `logs`, `releases`, `prune`, `exec`, … for environment stage
 */
import { join } from 'node:path';
import { main } from '../../driver/main';
import type { ReleaseBuildTask } from '../../driver/plan/steps';
import { knownHostsFile } from '../../driver/paths';
import { Executor } from '../../driver/exec/exec';
import { makeStyle } from '../../driver/format';
import { buildTarget, shipRelease } from '../../driver/release/release-task';
import { exitWith, hostTestDeps } from './driver-env';

async function build(
  runDir: string,
  outputs: string,
  privateKeyFile: string,
  args: string[],
): Promise<number> {
  const [repository, tag, context] = args;
  const task: ReleaseBuildTask = {
    ...{
      type: 'release-build',
      environment: 'stage',
      outputsFile: outputs,
      registryOutputsFile: '',
      registryStack: '',
    },
    build: {
      context,
      dockerfile: 'Dockerfile',
      name: repository.split('/').pop() ?? '',
      buildArgs: {},
    },
    ...{
      commit: tag,
      tag,
      local: false,
      cwd: process.cwd(),
      releaseFile: join(runDir, 'release.json'),
    },
    ...{
      ssh: { privateKeyFile, knownHosts: knownHostsFile(join(runDir, 'driver', 'stage')) },
      wrapperDir: join(runDir, 'ship-bin'),
    },
  };
  const log = (text: string) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  const io = {
    signals: process,
    err: process.stderr,
    style: makeStyle(false, process.env),
    env: process.env,
  };
  const exec = new Executor({ ...io, root: process.cwd() }).install();
  try {
    const taskCtx = { log, signal: exec.signal, exec };
    const release = await shipRelease(task, buildTarget(task, repository, process.env), taskCtx);
    process.stdout.write(`${JSON.stringify(release)}\n`);
    return 0;
  } finally {
    exec.dispose();
  }
}

async function run(argv: string[]): Promise<number> {
  const [runDir, outputs, privateKeyFile, command, ...args] = argv;
  if (command === 'build') return build(runDir, outputs, privateKeyFile, args);
  return main([command, 'stage', ...args], hostTestDeps(runDir, outputs, privateKeyFile));
}

exitWith('driver-ship', run(process.argv.slice(2)));
