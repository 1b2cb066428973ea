/**
 * The driver's commands, wired together. Everything from the outside world (argv, environment, output streams,
 * signals, the config spec, the clock) comes in through MainDeps, so tests run the real thing in-process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, EnvironmentConfig, ProjectConfig, ProjectSpec, resolveProject, sshHostAlias } from '../config';
import { PROJECT } from '../config/environments';
import { describeFsError } from '../lib/fs-errors';
import { hostKeyAlias, iapTunnelCommand } from '../lib/inventory';
import {
  checkEnvironment,
  Command,
  helpText,
  INVOCATION,
  parseArgs,
  ParsedArgs,
  rerunCommand,
  resumeCommand,
  UsageError,
} from './args';
import { checkTargets, probe } from './check';
import { cdktfOutput, DEFAULT_CHECK_TIMING, packerVars, PlanContext } from './commands';
import { commandLine, displayPath, formatDuration, makeStyle, Style } from './format';
import { imageSourceHash } from './image-hash';
import { acquireLock, Lock, LockHeldError } from './lock';
import { hostList, OutputsError, readStackOutputs, StackOutputs } from './outputs';
import { buildDestroyPlan, buildUpPlan, includeBackendRefusal, preflightTask } from './plan';
import { checkPrerequisites, describeProblems, PreflightInput, problemCount, VersionProbe } from './preflight';
import { cleanTail, runPlan, SignalSource, StepFailure, TaskContext, Terminal } from './runner';
import { envDir, newRunDir, readState, updateState } from './state';
import { activeSteps, DESTROY_STEPS, Plan, PlannedStep, StepName, Task, UP_STEPS } from './steps';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_LOCKED = 3;

/** Why the project-wide cdktf lock exists: shown when a run is refused. */
const CDKTF_LOCK_WHY =
  "cdktf steps share cdktf.out/ and the backend stack's local state (backend.tfstate) across all environments: one run at a time uses them.";

/** The project-wide lock for cdktf steps: next to what it guards, whatever DOCKER_HOSTS_RUN_DIR says. */
export function cdktfLockPath(root: string): string {
  return join(root, '.run', 'cdktf.lock');
}

export interface MainDeps {
  /** Repository root. */
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Terminal;
  readonly stderr: Terminal;
  /** The environments; config/environments.ts by default. */
  readonly spec?: ProjectSpec;
  readonly home?: string;
  readonly signals?: SignalSource;
  /** Asks a question on the terminal and returns the answer; undefined when stdin is not a terminal. */
  readonly ask?: (question: string) => Promise<string>;
  readonly now?: () => Date;
  readonly probe?: VersionProbe;
}

interface Resolved {
  readonly deps: MainDeps;
  readonly args: ParsedArgs;
  readonly style: Style;
  readonly home: string;
  readonly runBase: string;
  readonly cdktf: string;
  readonly warnings: string[];
}

/** Runs one driver command; returns the exit code. */
export async function main(argv: readonly string[], deps: MainDeps): Promise<number> {
  const spec = deps.spec ?? PROJECT;
  const names = Array.isArray(spec.environments) ? spec.environments.map((e) => String(e?.name)) : [];
  const errStyle = makeStyle(deps.stderr.isTTY ?? false, deps.env);
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
    if (args.help) {
      deps.stdout.write(helpText(names));
      return EXIT_OK;
    }
    checkEnvironment(args, names);
  } catch (error) {
    if (error instanceof UsageError) {
      deps.stderr.write(`${errStyle.red('error:')} ${error.message}\nsee: ${INVOCATION} --help\n`);
      return EXIT_USAGE;
    }
    throw error;
  }

  const home = deps.home ?? homedir();
  const r: Resolved = {
    deps,
    args,
    style: makeStyle(deps.stdout.isTTY ?? false, deps.env),
    home,
    // A relative DOCKER_HOSTS_RUN_DIR means what it says where the driver was started, whatever the tools' cwd.
    runBase: deps.env.DOCKER_HOSTS_RUN_DIR ? resolve(deps.env.DOCKER_HOSTS_RUN_DIR) : join(deps.root, '.run'),
    cdktf: deps.env.DOCKER_HOSTS_CDKTF || join(deps.root, 'node_modules', '.bin', 'cdktf'),
    warnings: [],
  };
  let project: ProjectConfig | undefined;
  let configError: string | undefined;
  try {
    project = resolveProject(spec, { home, warn: (message) => r.warnings.push(message) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    configError = error.message;
  }
  const environment = project?.environments.find((e) => e.name === args.environment);

  try {
    if (environment === undefined) return await configBroken(r, configError ?? 'config error: environment not found');
    switch (args.command) {
      case 'up':
      case 'destroy':
        return await runCommand(r, environment, project!);
      case 'env':
        return await envCommand(r, environment);
      case 'status':
        return await statusCommand(r, environment);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      deps.stderr.write(`${errStyle.red('error:')} ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof LockHeldError) {
      deps.stderr.write(`${errStyle.red('error:')} ${error.message}\n`);
      return EXIT_LOCKED;
    }
    if (error instanceof OutputsError) {
      deps.stderr.write(`${errStyle.red('error:')} ${error.message}\n`);
      return EXIT_FAILED;
    }
    const fsProblem = describeFsError(error);
    if (fsProblem !== undefined) {
      deps.stderr.write(
        `${errStyle.red('error:')} ${fsProblem} (runs write under DOCKER_HOSTS_RUN_DIR, default .run/)\n`,
      );
      return EXIT_FAILED;
    }
    throw error;
  }
}

/** A config that does not validate: for up/destroy still list every other missing prerequisite, then stop. */
async function configBroken(r: Resolved, message: string): Promise<number> {
  const { deps, args } = r;
  const style = makeStyle(deps.stderr.isTTY ?? false, deps.env);
  if ((args.command === 'up' || args.command === 'destroy') && !args.dryRun) {
    const steps = args.command === 'up' ? UP_STEPS : DESTROY_STEPS;
    const task = preflightTask(steps.filter((s) => s !== 'destroy-backend' || args.includeBackend));
    const findings = await checkPrerequisites(preflightInput(r, task, { ok: false, error: message }));
    deps.stderr.write(
      `${style.red(`preflight: ${problemCount(findings)}`)}\n${describeProblems(findings)
        .map((l) => `  ${l}\n`)
        .join('')}`,
    );
  } else {
    deps.stderr.write(`${style.red('error:')} ${message}\n`);
  }
  return EXIT_USAGE;
}

function preflightInput(
  r: Resolved,
  task: { requirements: PreflightInput['requirements']; files: PreflightInput['files'] },
  config: PreflightInput['config'],
): PreflightInput {
  return {
    requirements: task.requirements,
    files: task.files,
    root: r.deps.root,
    env: r.deps.env,
    home: r.home,
    cdktf: r.cdktf,
    config,
    probe: r.deps.probe,
  };
}

function planContext(r: Resolved, runDir: string): PlanContext {
  return { root: r.deps.root, runDir, cdktf: r.cdktf, node: process.execPath };
}

function buildPlan(r: Resolved, env: EnvironmentConfig, runDir: string): { plan: Plan; imageHash?: string } {
  const { args } = r;
  const ctx = planContext(r, runDir);
  if (args.command === 'destroy') {
    return {
      plan: buildDestroyPlan(env, ctx, {
        from: args.from as (typeof DESTROY_STEPS)[number] | undefined,
        only: args.only as (typeof DESTROY_STEPS)[number] | undefined,
        includeBackend: args.includeBackend,
      }),
    };
  }
  const { image_labels: _labels, ...vars } = packerVars(env);
  void _labels;
  const imageHash = imageSourceHash(r.deps.root, vars);
  const state = readState(r.runBase, env.name);
  const plan = buildUpPlan(env, ctx, {
    from: args.from as (typeof UP_STEPS)[number] | undefined,
    only: args.only as (typeof UP_STEPS)[number] | undefined,
    skipImage: args.skipImage,
    buildImage: args.buildImage,
    image: { currentHash: imageHash, lastBuild: state.image },
    checkTiming:
      args.checkTimeoutSeconds === undefined
        ? DEFAULT_CHECK_TIMING
        : { ...DEFAULT_CHECK_TIMING, deadlineMs: args.checkTimeoutSeconds * 1000 },
  });
  return { plan, imageHash };
}

/** `--from`/`--only` continue in the last run folder of the same command, so earlier steps' files are there. */
function chooseRunDir(r: Resolved, environment: string, now: Date): { dir: string; resumed: boolean } {
  const { args } = r;
  const command = args.command as 'up' | 'destroy';
  if (args.from !== undefined || args.only !== undefined) {
    const last = readState(r.runBase, environment).lastRun?.[command];
    if (last !== undefined && existsSync(last)) return { dir: last, resumed: true };
  }
  return { dir: newRunDir(r.runBase, environment, command, now), resumed: false };
}

async function runCommand(r: Resolved, env: EnvironmentConfig, project: ProjectConfig): Promise<number> {
  const { deps, args, style } = r;
  const now = deps.now?.() ?? new Date();
  const runDir = chooseRunDir(r, env.name, now);
  const { plan, imageHash } = buildPlan(r, env, runDir.dir);
  // The destroy-backend step can never succeed (prevent_destroy, every environment's state): refuse up front.
  const backendRefused = args.command === 'destroy' && args.includeBackend ? includeBackendRefusal(project) : undefined;

  if (args.dryRun) {
    deps.stdout.write(describePlan(plan, r, runDir.resumed));
    for (const warning of r.warnings) deps.stdout.write(`note: ${warning}\n`);
    if (backendRefused !== undefined) {
      deps.stdout.write(
        `note: a real run stops here, running nothing:\n${backendRefused.map((l) => `  ${l}\n`).join('')}`,
      );
    }
    return EXIT_OK;
  }
  if (backendRefused !== undefined) {
    const errStyle = makeStyle(deps.stderr.isTTY ?? false, deps.env);
    deps.stderr.write(`${errStyle.red('error:')} ${backendRefused.join('\n')}\nNothing was run.\n`);
    return EXIT_USAGE;
  }
  if (args.command === 'destroy' && !args.yes) {
    const confirmed = await confirmDestroy(r, plan, env);
    if (!confirmed) return EXIT_USAGE;
  }

  const owner = `${args.command} ${env.name}`;
  const lock = acquireLock(join(envDir(r.runBase, env.name), 'lock'), owner, { now });
  let cdktfLock: Lock | undefined;
  try {
    // Runs of different environments may overlap, but not in their cdktf steps; simplest safe rule: a run with a
    // cdktf step holds the project-wide lock from start to end, and a second one is refused before anything runs.
    if (activeSteps(plan).some((s) => s.kind === 'exec' && s.sharesProjectState === true)) {
      cdktfLock = acquireLock(cdktfLockPath(deps.root), owner, { now, why: CDKTF_LOCK_WHY });
    }
    for (const taken of [lock, cdktfLock]) {
      if (taken?.replaced === undefined) continue;
      deps.stderr.write(
        `note: took over a stale lock ${displayPath(taken.path, deps.root)} (pid ${taken.replaced.pid}, ${taken.replaced.command}, started ${taken.replaced.startedAt}: that process is gone)\n`,
      );
    }
    mkdirSync(plan.runDir, { recursive: true });
    updateState(r.runBase, env.name, (s) => ({ ...s, lastRun: { ...s.lastRun, [args.command]: plan.runDir } }));
    if (runDir.resumed)
      deps.stdout.write(`continuing in the last run folder (--${args.from !== undefined ? 'from' : 'only'})\n`);
    const result = await runPlan(plan, {
      out: deps.stdout,
      err: deps.stderr,
      style,
      env: deps.env,
      root: deps.root,
      verbose: args.verbose,
      // Preflight fails before anything ran: the fix is to run the same command again.
      resumeCommand: (step) =>
        step === 'preflight' ? rerunCommand(args, env.name) : resumeCommand(args, env.name, step),
      runTask: (task, ctx) => runTask(r, env, task, ctx),
      onStepDone: (step) => recordStep(r, env, step, imageHash),
      signals: deps.signals ?? process,
    });
    return result.exitCode;
  } finally {
    cdktfLock?.release();
    lock.release();
  }
}

/** What a successful step leaves in the run state. */
function recordStep(r: Resolved, env: EnvironmentConfig, step: PlannedStep, imageHash: string | undefined): void {
  const at = (r.deps.now?.() ?? new Date()).toISOString();
  if (step.name === 'image' && imageHash !== undefined) {
    updateState(r.runBase, env.name, (s) => ({
      ...s,
      image: {
        hash: imageHash,
        projectId: env.projectId,
        imageFamily: env.imageFamily,
        builtAt: at,
        runDir: dirOf(step),
      },
    }));
  } else if (step.name === 'deploy' && step.kind === 'exec') {
    const file = step.args[step.args.indexOf('--outputs-file') + 1];
    updateState(r.runBase, env.name, (s) => ({ ...s, lastOutputs: { file, at } }));
  } else if (step.name === 'destroy') {
    updateState(r.runBase, env.name, (s) => {
      const { lastOutputs: _gone, ...rest } = s;
      void _gone;
      return rest;
    });
  }
}

function dirOf(step: PlannedStep): string {
  const written = step.writes?.[0]?.path;
  return written === undefined ? '' : written.slice(0, written.lastIndexOf('/'));
}

async function confirmDestroy(r: Resolved, plan: Plan, env: EnvironmentConfig): Promise<boolean> {
  const { deps } = r;
  const what = activeSteps(plan)
    .filter((s) => s.name !== 'preflight')
    .map((s) => `  - ${s.title}`)
    .join('\n');
  if (deps.ask === undefined) {
    deps.stderr.write(
      `error: destroy asks for confirmation, and stdin is not a terminal: add --yes to destroy\n${what}\n`,
    );
    return false;
  }
  deps.stdout.write(`This destroys, in Google Cloud project ${env.projectId}:\n${what}\n`);
  const answer = (await deps.ask(`Type the environment name (${plan.environment}) to go on: `)).trim();
  if (answer !== plan.environment) {
    deps.stderr.write('not confirmed: nothing was destroyed\n');
    return false;
  }
  return true;
}

async function runTask(r: Resolved, env: EnvironmentConfig, task: Task, ctx: TaskContext): Promise<void> {
  if (task.type === 'preflight') {
    const findings = await checkPrerequisites(preflightInput(r, task, { ok: true, value: env }));
    for (const f of findings) ctx.log(`${f.ok ? 'ok' : 'MISSING'}  ${f.summary}${f.fix ? `\n    fix: ${f.fix}` : ''}`);
    if (findings.some((f) => !f.ok)) throw new StepFailure(problemCount(findings), describeProblems(findings));
    return;
  }
  let stack: StackOutputs;
  try {
    stack = readStackOutputs(task.outputsFile, task.stack);
  } catch (error) {
    throw new StepFailure(`cannot read the hosts: ${(error as Error).message}`);
  }
  const port = stack.app_port;
  const targets = hostList(stack).map((h) => ({ host: h.name, url: `http://${h.external_ip}:${port}${task.path}` }));
  if (targets.length === 0) throw new StepFailure(`${task.outputsFile} lists no hosts for ${task.stack}`);
  const results = await checkTargets(targets, { ...task, signal: ctx.signal, log: ctx.log });
  const failed = results.filter((x) => !x.ok);
  if (failed.length > 0) {
    throw new StepFailure(
      `${failed.length} of ${results.length} hosts did not answer on port ${port} within ${formatDuration(task.deadlineMs)}: ` +
        failed.map((f) => f.host).join(', '),
      failed.map(
        (f) => `${f.host}  ${f.url}  ${f.detail} (${f.attempts} ${f.attempts === 1 ? 'attempt' : 'attempts'})`,
      ),
    );
  }
}

/** --dry-run: the whole plan, every command with its arguments, cwd, the environment it adds and the files written. */
export function describePlan(plan: Plan, r: Pick<Resolved, 'deps'>, resumed: boolean): string {
  const root = r.deps.root;
  const show = (p: string) => displayPath(p, root);
  const total = activeSteps(plan).length;
  const lines = [
    `Plan for "${plan.command} ${plan.environment}": ${total} of ${plan.steps.length} steps (dry run: nothing runs, nothing is written)`,
    `run folder: ${show(plan.runDir)}${resumed ? ' (the last run folder: --from/--only continue in it)' : ' (created when the run starts)'}`,
    ...(activeSteps(plan).some((s) => s.kind === 'exec' && s.sharesProjectState === true)
      ? [
          `locks: ${show(join(dirname(plan.runDir), 'lock'))} and ${show(cdktfLockPath(root))} (cdktf: one run at a time)`,
        ]
      : [`locks: ${show(join(dirname(plan.runDir), 'lock'))}`]),
    '',
  ];
  let n = 0;
  for (const step of plan.steps) {
    if (step.skip !== undefined) {
      lines.push(`[-] ${step.name}: ${step.title}`, `      skipped: ${step.skip}`);
      continue;
    }
    n++;
    lines.push(`[${n}/${total}] ${step.name}: ${step.title}`);
    for (const file of step.writes ?? []) {
      lines.push(`      writes ${show(file.path)}: ${JSON.stringify(JSON.parse(file.content))}`);
    }
    for (const need of step.needs ?? []) lines.push(`      reads  ${show(need.path)} (from ${need.from})`);
    if (step.kind === 'exec') {
      lines.push(`      $ ${commandLine(step.command, step.args)}`);
      lines.push(`      cwd: ${step.cwd}`);
      const added = Object.entries(step.env);
      lines.push(`      env: ${added.length === 0 ? '(nothing added)' : added.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    } else if (step.task.type === 'preflight') {
      lines.push(`      in-process: checks ${step.task.requirements.join(', ')}`);
      if (step.task.files.length > 0) lines.push(`      and files ${step.task.files.join(', ')}`);
    } else {
      const t = step.task;
      lines.push(
        `      in-process: HTTP GET http://<external_ip>:${t.port}${t.path} on every host in ${show(t.outputsFile)}`,
        `      retries every ${formatDuration(t.intervalMs)} until ${formatDuration(t.deadlineMs)}; ${formatDuration(t.attemptTimeoutMs)} per attempt`,
      );
    }
  }
  lines.push('', `logs: ${show(join(plan.runDir, 'logs'))}/NN-<step>.log`, '');
  return lines.join('\n');
}

/** The outputs of the last deploy, or (none, or --refresh) read afresh with `cdktf output`. */
function loadOutputs(r: Resolved, env: EnvironmentConfig): StackOutputs | number {
  const { deps, args } = r;
  const last = readState(r.runBase, env.name).lastOutputs;
  if (!args.refresh && last !== undefined && existsSync(last.file)) return readStackOutputs(last.file, env.name);
  const file = join(envDir(r.runBase, env.name), 'outputs.json');
  mkdirSync(envDir(r.runBase, env.name), { recursive: true });
  const command = cdktfOutput({ root: deps.root, cdktf: r.cdktf }, env.name, file);
  // `cdktf output` synthesizes into cdktf.out/ like a deploy does.
  const lock = acquireLock(cdktfLockPath(deps.root), `${args.command} ${env.name}`, { why: CDKTF_LOCK_WHY });
  deps.stderr.write(`reading ${env.name} outputs: ${commandLine(command.command, command.args)}\n`);
  let result;
  try {
    result = spawnSync(command.command, [...command.args], {
      cwd: command.cwd,
      env: { ...deps.env, ...command.env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    lock.release();
  }
  if (result.status !== 0 || !existsSync(file)) {
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    const tail = cleanTail(`${result.stdout ?? ''}\n${result.stderr ?? ''}`, 12)
      .map((l) => `  | ${l}\n`)
      .join('');
    deps.stderr.write(
      `error: could not read ${env.name}'s outputs (${why}); has "${INVOCATION} up ${env.name}" run?\n${tail}`,
    );
    return EXIT_FAILED;
  }
  updateState(r.runBase, env.name, (s) => ({ ...s, lastOutputs: { file, at: new Date().toISOString() } }));
  return readStackOutputs(file, env.name);
}

/** `env <env> [host]`: like `docker-machine env`. */
async function envCommand(r: Resolved, env: EnvironmentConfig): Promise<number> {
  const { deps, args } = r;
  const invocation = `${INVOCATION.replace('--', '-s --')} env ${env.name}${args.host ? ` ${args.host}` : ''}`;
  if (args.unset) {
    deps.stdout.write(
      `unset DOCKER_HOST\n# Run this command to configure your shell:\n# eval "$(${invocation} --unset)"\n`,
    );
    return EXIT_OK;
  }
  const outputs = loadOutputs(r, env);
  if (typeof outputs === 'number') return outputs;
  const hosts = hostList(outputs);
  const host = args.host === undefined ? hosts[0] : hosts.find((h) => h.name === args.host);
  if (host === undefined) {
    throw new UsageError(
      args.host === undefined
        ? `${env.name} has no hosts in its outputs`
        : `unknown host "${args.host}" in ${env.name}; hosts are: ${hosts.map((h) => h.name).join(', ')}`,
    );
  }
  const knownHosts = join(envDir(r.runBase, env.name), 'known_hosts');
  const lines =
    outputs.ssh_via === 'iap'
      ? iapEnvLines(env, outputs.ssh_user, outputs.project ?? env.projectId, host, knownHosts)
      : [
          `export DOCKER_HOST=ssh://${outputs.ssh_user}@${host.external_ip}`,
          `# ${host.name} (${env.name}${host.zone ? `, ${host.zone}` : ''}); docker logs in over SSH with your key: ssh-add ${env.ssh.privateKeyFile}`,
          `# docker cannot answer ssh's host-key prompt: accept the key once with ssh -o StrictHostKeyChecking=accept-new ${outputs.ssh_user}@${host.external_ip} true`,
          `# after the host is replaced (same static IP, new host key): ssh-keygen -R ${host.external_ip}`,
        ];
  lines.push('# Run this command to configure your shell:', `# eval "$(${invocation})"`);
  deps.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

/**
 * Hosts reached through IAP: DOCKER_HOST names an SSH alias, and the alias's ~/.ssh/config entry
 * tunnels with gcloud (the docker CLI runs the system ssh, which honours it).
 */
function iapEnvLines(
  env: EnvironmentConfig,
  user: string,
  project: string,
  host: { name: string; zone: string; instance_id?: string },
  knownHosts: string,
): string[] {
  const alias = sshHostAlias(env.name, host.name);
  return [
    `export DOCKER_HOST=ssh://${alias}`,
    `# ${host.name} (${env.name}, ${host.zone}) is reached through IAP; add this to ~/.ssh/config`,
    `# (and update it when the host is replaced: its instance id, so its host-key alias, changes):`,
    `#   Host ${alias}`,
    `#     User ${user}`,
    `#     IdentityFile ${env.ssh.privateKeyFile}`,
    // The same host-key name and file as Ansible's: one trusted key per instance, shared with the driver.
    ...(host.instance_id
      ? [`#     HostKeyAlias ${hostKeyAlias({ name: host.name, instance_id: host.instance_id })}`]
      : []),
    `#     UserKnownHostsFile ${knownHosts}`,
    `#     StrictHostKeyChecking accept-new`,
    `#     ProxyCommand ${iapTunnelCommand(host, project)} --verbosity=warning`,
  ];
}

/** `status <env>`: hosts, addresses, and whether the app answers (exit 1 when some host does not). */
async function statusCommand(r: Resolved, env: EnvironmentConfig): Promise<number> {
  const { deps, style } = r;
  const outputs = loadOutputs(r, env);
  if (typeof outputs === 'number') return outputs;
  const port = outputs.app_port;
  const hosts = hostList(outputs);
  const answers = await Promise.all(hosts.map((h) => probe(`http://${h.external_ip}:${port}/`, 5_000)));
  const rows = [['HOST', 'ZONE', 'EXTERNAL IP', 'INTERNAL IP', `APP (:${port})`]];
  hosts.forEach((h, i) => {
    rows.push([h.name, h.zone, h.external_ip, h.internal_ip, `${answers[i].ok ? 'up' : 'DOWN'}: ${answers[i].detail}`]);
  });
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const down = answers.filter((a) => !a.ok).length;
  deps.stdout.write(
    `${style.bold(env.name)}: ${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'} in ${env.projectId}, ` +
      `app ${env.app.image}\n` +
      rows
        .map((row) =>
          row
            .map((cell, c) => cell.padEnd(widths[c]))
            .join('  ')
            .trimEnd(),
        )
        .join('\n') +
      `\n${down === 0 ? style.green('all hosts answer') : style.red(`${down} of ${answers.length} hosts do not answer`)}\n`,
  );
  return down === 0 ? EXIT_OK : EXIT_FAILED;
}

export type { Command, StepName };
