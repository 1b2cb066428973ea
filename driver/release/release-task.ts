/**
 * The `build` step at run time (plan/tools.ts made it): reads the first host and the repository from the stacks'
 * outputs, asks the registry whether the tag exists (then only reads its digest), else builds and pushes, and writes
 * the release file the `hosts` step deploys by digest. Each command's output goes to the step's log.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cmd from './commands';
import * as ref from './image-ref';
import { hostList } from '../../stacks/outputs';
import { parseRegistryOutputs } from '../../stacks/registry-outputs';
import { commandLine } from '../format';
import { readStackOutputs } from '../outputs';
import type { ReleaseBuildTask } from '../plan/steps';
import { StepFailure, TaskContext } from '../runner/run-plan';
import { sshOptions, sshTarget, sshWrapperScript } from '../fleet/ssh';

type Env = Readonly<Record<string, string | undefined>>;

/** Runs a docker command: its output to the log as it comes; Ctrl-C forwarded to it; a failure throws when it has a name. */
function dockerIn(cwd: string, env: Env, taskCtx: TaskContext) {
  return async (command: cmd.ReleaseCommand, what?: string) => {
    taskCtx.log(`$ ${commandLine(command.command, command.args)}  ${JSON.stringify(command.env)}`);
    const output = { mode: 'log', write: taskCtx.log } as const;
    const call = {
      command: command.command,
      args: command.args,
      cwd,
      env: { ...env, ...command.env },
    };
    const ran = await taskCtx.exec.run({ ...call, output });
    if (ran.code === 0 || what === undefined) return ran;
    throw new StepFailure(
      `${what} failed (exit ${ran.code})`,
      ran.stderr.trim().split('\n').slice(-8),
    );
  };
}
type Docker = ReturnType<typeof dockerIn>;

/** The repository URL, from the registry stack's outputs. */
function repositoryOf(task: ReleaseBuildTask): string {
  const registry = parseRegistryOutputs(
    JSON.parse(readFileSync(task.registryOutputsFile, 'utf8')),
    task.registryStack,
  );
  const url = registry.environment_registries[task.environment];
  if (url === undefined) {
    throw new StepFailure(
      `${task.registryOutputsFile}: no environment_registries entry for "${task.environment}"`,
    );
  }
  return ref.imageRepository(url, task.build.name);
}

/** Where the build runs; `env` is the docker CLI's environment (the ssh wrapper first on PATH for a remote build). */
export type Target = {
  readonly repository: string;
  readonly target: cmd.BuildTarget;
  readonly env: Env;
};

/** Where the build runs: the local engine, or the first host's through the ssh wrapper (written here). */
export function buildTarget(task: ReleaseBuildTask, repository: string, env: Env): Target {
  if (task.local) return { repository, target: { kind: 'local' }, env };
  const outputs = readStackOutputs(task.outputsFile, task.environment);
  const first = hostList(outputs)[0];
  if (first === undefined) throw new StepFailure(`${task.outputsFile} lists no hosts to build on`);
  mkdirSync(task.wrapperDir, { recursive: true });
  const wrapper = join(task.wrapperDir, 'ssh');
  writeFileSync(wrapper, sshWrapperScript(task.wrapperDir, sshOptions(outputs, first, task.ssh)));
  chmodSync(wrapper, 0o755);
  const target = { kind: 'remote', dockerHost: `ssh://${sshTarget(outputs, first)}` } as const;
  return { repository, target, env: { ...env, PATH: `${task.wrapperDir}:${env.PATH ?? ''}` } };
}

/** Builds and pushes the tag; returns the pushed digest. */
async function buildAndPush(task: ReleaseBuildTask, reference: string, t: Target, docker: Docker) {
  await docker(
    cmd.buildCommand({ ...task.build, target: t.target, reference, revision: task.commit }),
    'docker build',
  );
  const pushed = await docker(cmd.pushCommand(reference, t.target), 'docker push');
  try {
    return ref.digestFromPush(pushed.stdout);
  } catch {
    const inspected = await docker(
      cmd.repoDigestsCommand(reference, t.target),
      'docker image inspect',
    );
    return ref.digestFromRepoDigests(inspected.stdout, t.repository);
  }
}

/** The digest of a tag the registry has. */
async function registryDigest(reference: string, docker: Docker) {
  const inspected = await docker(
    cmd.remoteDigestCommand(reference),
    'docker buildx imagetools inspect',
  );
  return ref.digestFromImagetools(inspected.stdout);
}

/** The tag, built and pushed unless the registry has it; the release file written. Returns the release. */
export async function shipRelease(task: ReleaseBuildTask, t: Target, taskCtx: TaskContext) {
  const docker = dockerIn(task.cwd, t.env, taskCtx);
  const reference = ref.taggedReference(t.repository, task.tag);
  const asked = await docker(cmd.tagExistsCommand(reference));
  const built = cmd.tagExistence(asked.code, asked.stderr) === 'missing';
  if (!built) taskCtx.log(`${reference} is in the registry already: not built again`);
  const digest = built
    ? await buildAndPush(task, reference, t, docker)
    : await registryDigest(reference, docker);
  const image = ref.digestReference(t.repository, digest);
  const release = { image, commit: task.commit, tag: task.tag, reference, built };
  writeFileSync(task.releaseFile, `${JSON.stringify(release, null, 2)}\n`);
  taskCtx.log(`release: ${release.image}${built ? '' : ' (the existing tag)'}`);
  return release;
}

export async function releaseBuildTask(
  task: ReleaseBuildTask,
  env: Env,
  taskCtx: TaskContext,
): Promise<void> {
  try {
    await shipRelease(task, buildTarget(task, repositoryOf(task), env), taskCtx);
  } catch (err) {
    const known = err instanceof ref.ReleaseError || (err as Error).name === 'OutputsError';
    throw known ? new StepFailure((err as Error).message) : err;
  }
}
