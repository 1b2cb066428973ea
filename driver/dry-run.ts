/** --dry-run: the whole plan, every command with its arguments, cwd, the environment it adds and the files written. */
import { dirname, join } from 'node:path';
import { addedEnv, commandLine, displayPath, formatDuration } from './format';
import { activeSteps, Plan, PlannedStep } from './plan/steps';
import { describeReleaseBuild } from './plan/release';
import { cdktfLockPath } from './state';

/**
 * Whether a plan holds the project-wide cdktf lock (see commands/run.ts): a run that applies a stack synthesizes the
 * whole app into cdktf.out/ first, and the backend stack's state may be local (./backend.tfstate).
 */
export function sharesProjectState(plan: Plan): boolean {
  return activeSteps(plan).some((s) => s.kind === 'task' && s.task.type === 'terraform-apply');
}

/** What one step does, indented under its title. */
function stepLines(step: PlannedStep, show: (p: string) => string): string[] {
  const lines: string[] = [];
  for (const file of step.writes ?? []) {
    lines.push(`      writes ${show(file.path)}: ${JSON.stringify(JSON.parse(file.content))}`);
  }
  for (const file of step.derives ?? []) {
    if (file.type === 'release-image') {
      lines.push(
        `      writes ${show(file.path)}: {"app_image": <image of ${show(file.releaseFile)}>, "app_release_commit": <its commit>}`,
      );
      continue;
    }
    lines.push(
      `      writes ${show(file.path)}: {"docker_host_registry_hosts":[<output environment_registry_hosts["${file.environment}"] of stack ${file.stack} in ${show(file.outputsFile)}>]}`,
    );
  }
  for (const need of step.needs ?? []) lines.push(`      reads  ${show(need.path)} (from ${need.from})`);
  if (step.kind === 'exec') {
    lines.push(
      `      $ ${commandLine(step.command, step.args)}`,
      `      cwd: ${step.cwd}`,
      `      env: ${addedEnv(step.env)}`,
    );
  } else if (step.task.type === 'preflight') {
    lines.push(`      in-process: checks ${step.task.requirements.join(', ')}`);
    if (step.task.files.length > 0) lines.push(`      and files ${step.task.files.join(', ')}`);
  } else if (step.task.type === 'terraform-apply') {
    const t = step.task;
    lines.push(
      `      in-process, after the plan was shown and approved: $ ${commandLine(t.apply.command, t.apply.args)}`,
    );
    lines.push(`      cwd: ${show(t.apply.cwd)}`);
    if (t.output !== undefined && t.outputsFile !== undefined) {
      lines.push(`      then $ ${commandLine(t.output.command, t.output.args)} → ${show(t.outputsFile)}`);
    }
  } else if (step.task.type === 'release-build') {
    lines.push(...describeReleaseBuild(step.task, show));
  } else {
    const t = step.task;
    lines.push(
      `      in-process: HTTP GET <app_url>${t.path} of every host in ${show(t.outputsFile)} (behind a load balancer: of its app_url)`,
      `      retries every ${formatDuration(t.intervalMs)} until ${formatDuration(t.deadlineMs)}; ${formatDuration(t.attemptTimeoutMs)} per attempt`,
    );
  }
  return lines;
}

export function describePlan(plan: Plan, root: string, resumed: boolean): string {
  const show = (p: string) => displayPath(p, root);
  const total = activeSteps(plan).length;
  const envLock = show(join(dirname(plan.runDir), 'lock'));
  const lines = [
    `Plan for "${plan.command} ${plan.environment}": ${total} of ${plan.steps.length} steps (dry run: nothing runs, nothing is written)`,
    `run folder: ${show(plan.runDir)}${resumed ? ' (the last run folder: --from/--only continue in it)' : ' (created when the run starts)'}`,
    sharesProjectState(plan)
      ? `locks: ${envLock} and ${show(cdktfLockPath(root))} (cdktf: one run at a time)`
      : `locks: ${envLock}`,
    '',
  ];
  let n = 0;
  for (const step of plan.steps) {
    if (step.skip !== undefined) {
      lines.push(`[-] ${step.name}: ${step.title}`, `      skipped: ${step.skip}`);
      continue;
    }
    lines.push(`[${++n}/${total}] ${step.name}: ${step.title}`, ...stepLines(step, show));
  }
  lines.push('', `logs: ${show(join(plan.runDir, 'logs'))}/NN-<step>.log`, '');
  return lines.join('\n');
}
