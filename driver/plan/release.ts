/**
 * The `build` step of `up` for an environment with app.build (pure): the task the runner hands to
 * driver/release-task.ts, and what --dry-run prints of it (the registry check, build, push and digest commands).
 */
import { dirname, join } from 'node:path';
import type { EnvironmentConfig } from '../../config';
import { REGISTRY_STACK } from '../../lib/constants';
import { buildAndPushPlan } from '../../lib/release/commands';
import { commandLine } from '../format';
import type { ReleaseBuildTask, TaskStep } from './steps';
import { knownHostsFile } from '../state';
import { PlanContext, runFiles } from './tools';

/** What the build is made from: the commit, its tag (`-dirty` allowed or not was decided before), where it builds. */
export interface ReleaseInput {
  readonly commit: string;
  readonly tag: string;
  readonly local: boolean;
}

export function releaseBuild(ctx: PlanContext, env: EnvironmentConfig, input: ReleaseInput): TaskStep {
  const build = env.app.build;
  if (build === undefined) throw new Error(`releaseBuild: ${env.name} has no app.build`);
  const files = runFiles(ctx.runDir);
  const where = input.local ? 'with the local Docker' : `on ${env.name}'s first host over SSH`;
  const task: ReleaseBuildTask = {
    ...{ type: 'release-build', environment: env.name, outputsFile: files.outputs },
    ...{ registryOutputsFile: files.registryOutputs, registryStack: REGISTRY_STACK, build },
    ...{ commit: input.commit, tag: input.tag, local: input.local, cwd: ctx.root, releaseFile: files.release },
    ssh: { privateKeyFile: env.ssh.privateKeyFile, knownHosts: knownHostsFile(dirname(ctx.runDir)) },
    wrapperDir: join(ctx.runDir, 'bin'),
  };
  return {
    ...{ kind: 'task', name: 'build', title: `build ${build.name}:${input.tag} ${where} and push it`, task },
    needs: [
      { path: files.outputs, from: 'deploy' },
      { path: files.registryOutputs, from: 'registry' },
    ],
  };
}

/** --dry-run's lines for the build step: every command, with what is only known at run time in <…>. */
export function describeReleaseBuild(task: ReleaseBuildTask, show: (p: string) => string): string[] {
  const token = 'REPOSITORY';
  const reference = `${token}/${task.build.name}:${task.tag}`;
  const input = { ...task.build, target: { kind: 'local' } as const, reference, revision: task.commit };
  const remote = task.local ? '' : `PATH=${show(task.wrapperDir)}:$PATH DOCKER_HOST=ssh://<ssh_user>@<first host> `;
  const lines = buildAndPushPlan(input).map(({ step, run }) => {
    const line = commandLine(run.command, run.args).split(token).join('<repository>');
    return `${step.padEnd(11)} $ ${step === 'tag exists?' ? '' : remote}${line}`;
  });
  const hostLine = `<first host>: the external_ip of the first host in ${show(task.outputsFile)}; ${show(join(task.wrapperDir, 'ssh'))} runs ssh with the hosts step's options (key, known_hosts, IAP)`;
  return [
    `<repository>: output environment_registries["${task.environment}"] of stack ${task.registryStack} in ${show(task.registryOutputsFile)}`,
    ...(task.local ? [] : [hostLine]),
    `in-process, in ${show(task.cwd)}: when the tag exists in the registry, no build: its digest from $ docker buildx imagetools inspect`,
    ...lines,
    `writes ${show(task.releaseFile)}: {"image": "<repository>/${task.build.name}@<pushed digest>", "commit": "${task.commit}", "tag": "${task.tag}"}`,
  ];
}
