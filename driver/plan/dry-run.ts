/** --dry-run: the whole plan, every command with its arguments, cwd, the environment it adds and the files written. */
import { dirname, join } from 'node:path';
import { addedEnv, commandLine, displayPath, formatDuration } from '../format';
import { activeSteps, Plan, PlannedStep, ReleaseBuildTask, Task } from './steps';
import { buildAndPushPlan } from '../release/commands';
import { synthDir } from '../paths';

/** Whether a run synthesizes (into its own folder, paths.ts synthDir): it applies a stack, planned first. */
function synthesizes(plan: Plan): boolean {
  return activeSteps(plan).some((s) => s.kind === 'task' && s.task.type === 'terraform-apply');
}

/** --dry-run's lines for the build step: every command, with what is only known at run time in <…>. */
function describeReleaseBuild(task: ReleaseBuildTask, show: (p: string) => string): string[] {
  const token = 'REPOSITORY';
  const reference = `${token}/${task.build.name}:${task.tag}`;
  const input = {
    ...task.build,
    target: { kind: 'local' } as const,
    reference,
    revision: task.commit,
  };
  const remote = task.local
    ? ''
    : `PATH=${show(task.wrapperDir)}:$PATH DOCKER_HOST=ssh://<ssh_user>@<first host> `;
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

/** What an in-process task does. */
function taskLines(task: Task, show: (p: string) => string): string[] {
  if (task.type === 'preflight') {
    const files = task.files.length > 0 ? [`and files ${task.files.join(', ')}`] : [];
    return [`in-process: checks ${task.requirements.join(', ')}`, ...files];
  }
  if (task.type === 'release-build') return describeReleaseBuild(task, show);
  if (task.type === 'inventory')
    return [
      `in-process: the Ansible inventory from ${show(task.outputsFile)} (stack ${task.stack}) → ${show(task.out)}`,
    ];
  if (task.type === 'http-check') {
    return [
      `in-process: HTTP GET <app_url>${task.path} of every host in ${show(task.outputsFile)} (behind a load balancer: of its app_url)`,
      `retries every ${formatDuration(task.intervalMs)} until ${formatDuration(task.deadlineMs)}; ${formatDuration(task.attemptTimeoutMs)} per attempt`,
    ];
  }
  const { apply, output, outputsFile } = task;
  return [
    `in-process, after the plan was shown and approved: $ ${commandLine(apply.command, apply.args)}`,
    `cwd: ${show(apply.cwd)}`,
    ...(output && outputsFile
      ? [`then $ ${commandLine(output.command, output.args)} → ${show(outputsFile)}`]
      : []),
  ];
}

/** What one step does, indented under its title. */
function stepLines(step: PlannedStep, show: (p: string) => string): string[] {
  const lines = (step.writes ?? []).map(
    (f) => `writes ${show(f.path)}: ${JSON.stringify(JSON.parse(f.content))}`,
  );
  for (const file of step.derives ?? []) {
    const content =
      file.type === 'release-image'
        ? `{"app_image": <image of ${show(file.releaseFile)}>, "app_release_commit": <its commit>}`
        : `{"docker_host_registry_hosts":[<output environment_registry_hosts["${file.environment}"] of stack ${file.stack} in ${show(file.outputsFile)}>]}`;
    lines.push(`writes ${show(file.path)}: ${content}`);
  }
  lines.push(...(step.needs ?? []).map((need) => `reads  ${show(need.path)} (from ${need.from})`));
  if (step.kind === 'task') lines.push(...taskLines(step.task, show));
  else
    lines.push(
      `$ ${commandLine(step.command, step.args)}`,
      `cwd: ${step.cwd}`,
      `env: ${addedEnv(step.env)}`,
    );
  return lines.map((line) => `      ${line}`);
}

export function describePlan(plan: Plan, root: string, resumed: boolean): string {
  const show = (p: string) => displayPath(p, root);
  const total = activeSteps(plan).length;
  const synth = synthesizes(plan)
    ? ` (cdktf synth writes into ${show(synthDir(plan.runDir))}: no lock shared with other environments)`
    : '';
  const lines = [
    `Plan for "${plan.command} ${plan.environment}": ${total} of ${plan.steps.length} steps (dry run: nothing runs, nothing is written)`,
    `run folder: ${show(plan.runDir)}${resumed ? ' (the last run folder: --from/--only continue in it)' : ' (created when the run starts)'}`,
    `lock: ${show(join(dirname(plan.runDir), 'lock'))}${synth}`,
    '',
  ];
  let n = 0;
  for (const step of plan.steps) {
    if (step.skip !== undefined)
      lines.push(`[-] ${step.name}: ${step.title}`, `      skipped: ${step.skip}`);
    else lines.push(`[${++n}/${total}] ${step.name}: ${step.title}`, ...stepLines(step, show));
  }
  lines.push('', `logs: ${show(join(plan.runDir, 'logs'))}/NN-<step>.log`, '');
  return lines.join('\n');
}
