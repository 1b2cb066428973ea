/**
 * Before a command talks to Google Cloud (Terraform's state bucket, `cdktf output`, SSH through IAP): the logins it
 * needs and the config's placeholders, checked from files alone. A missing login is named first, with its fix, at
 * once; nothing (no `terraform init`, no `cdktf output`) runs against a placeholder project or without credentials.
 */
import type { EnvContext } from './context';
import { printError } from './context';
import { EXIT_FAILED } from '../lib/exit-codes';
import { savedOutputsFile } from './outputs';
import type { Plan, PreflightTask } from './plan/steps';
import { checkPrerequisites, describeProblems, Finding, problemCount } from './preflight';
import { googleFindings } from './preflight/google';
import { preflightInput } from './tasks/tasks';
import { SSH_COMMANDS } from './usage';

interface Needs {
  readonly credentials: boolean;
  readonly gcloudLogin: boolean;
}

/** What a command other than up and destroy needs of Google; undefined for one that needs nothing (lock). */
function commandNeeds(ctx: EnvContext): Needs | undefined {
  const { command, refresh, outputsOnly } = ctx.args;
  if (command === 'plan') return { credentials: true, gcloudLogin: false };
  if (command !== 'env' && command !== 'output' && !SSH_COMMANDS.includes(command))
    return undefined;
  const ssh = command !== 'env' && command !== 'output' && !(command === 'status' && outputsOnly);
  return {
    // The outputs come from the last deploy's file, or from `cdktf output` (Terraform reads the state bucket).
    credentials: refresh || savedOutputsFile(ctx) === undefined,
    gcloudLogin: ssh && ctx.env.ssh.connectVia === 'iap',
  };
}

function printProblems(ctx: EnvContext, findings: readonly Finding[]): void {
  ctx.deps.stderr.write(
    describeProblems(findings)
      .map((line) => `  ${line}\n`)
      .join(''),
  );
}

/** plan, env and the day-2 commands: refused (exit 1, every problem with its fix) before anything runs. */
export function googleGate(ctx: EnvContext): number | undefined {
  const needs = commandNeeds(ctx);
  if (needs === undefined || ctx.args.dryRun) return undefined;
  const findings = googleFindings(ctx.env, { env: ctx.deps.env, home: ctx.home }, needs);
  if (findings.every((f) => f.ok)) return undefined;
  const what = `${ctx.args.command} ${ctx.env.name}`;
  printError(ctx, `${what} talks to Google Cloud: ${problemCount(findings)}; nothing was run`);
  printProblems(ctx, findings);
  return EXIT_FAILED;
}

const loginsFirst = (f: Finding) =>
  f.requirement === 'credentials' || f.requirement === 'gcloud' ? 0 : 1;

/**
 * up and destroy: before the plans (terraform init reads the state bucket), the Google part of the run's preflight;
 * when it fails, the whole preflight's list (logins first), as the preflight step would give it, and exit 1.
 */
export async function runGate(ctx: EnvContext, plan: Plan): Promise<number | undefined> {
  const step = plan.steps.find((s) => s.kind === 'task' && s.task.type === 'preflight');
  if (step?.kind !== 'task' || step.task.type !== 'preflight') return undefined;
  const task: PreflightTask = step.task;
  const needs = {
    credentials: task.requirements.includes('credentials'),
    gcloudLogin: task.requirements.includes('gcloud'),
  };
  if (!task.requirements.includes('gcp-project')) return undefined;
  if (googleFindings(ctx.env, { env: ctx.deps.env, home: ctx.home }, needs).every((f) => f.ok))
    return undefined;
  const findings = await checkPrerequisites(
    preflightInput(ctx, task, { ok: true, value: ctx.env }),
  );
  const sorted = [...findings].sort((a, b) => loginsFirst(a) - loginsFirst(b));
  ctx.deps.stderr.write(
    `${ctx.errStyle.red(`preflight: ${problemCount(sorted)}`)} (before any plan: nothing was run)\n`,
  );
  printProblems(ctx, sorted);
  return EXIT_FAILED;
}
