/**
 * A recording executor for in-process driver tests (Kamal stubs SSHKit the same way): main() gets it through
 * MainDeps.makeExec, every child the driver would start is recorded instead, and a responder answers for the tool
 * (its output, its exit code, the files it writes). Signals follow the real policy's contract: the first one is
 * recorded, aborts `signal` and reaches a running call as `got`, and no call starts after it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Captured } from '../../driver/exec/capture';
import type { CommandExec, ExecCall, ExecIo, ExecResult } from '../../driver/exec/exec';
import { FORWARDED, Signal, SIGNAL_EXIT, SIGNALS } from '../../lib/signals';

/** What a tool answered; a missing code is 0. */
export type Answer = Partial<Pick<Captured, 'code' | 'stdout' | 'stderr'>>;

/** One recorded call: `line` is `tool arg1 arg2 …` (the tool's base name), `got` the signals forwarded to it. */
export interface Recorded {
  readonly call: ExecCall;
  readonly line: string;
  readonly got: NodeJS.Signals[];
}

export type Responder = (
  call: ExecCall,
  recorded: Recorded,
  exec: RecordingExec,
) => Answer | Promise<Answer>;

export class RecordingExec implements CommandExec {
  readonly calls: Recorded[] = [];
  private received?: Signal;
  private readonly controller = new AbortController();
  private readonly running = new Set<Recorded>();
  private readonly listeners = SIGNALS.map((s) => [s, () => this.onSignal(s)] as const);

  constructor(
    private readonly io: ExecIo,
    private readonly respond: Responder,
  ) {}

  get interrupted(): Signal | undefined {
    return this.received;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  install(): this {
    for (const [signal, listener] of this.listeners) this.io.signals.on(signal, listener);
    return this;
  }

  dispose(): void {
    for (const [signal, listener] of this.listeners) this.io.signals.off(signal, listener);
  }

  async run(call: ExecCall): Promise<ExecResult> {
    if (this.received !== undefined) {
      const stderr = `${call.command}: not started, interrupted (${this.received})\n`;
      const code = SIGNAL_EXIT[this.received];
      return {
        code,
        signal: null,
        error: new Error(stderr),
        stdout: '',
        stderr,
        output: '',
        interrupted: this.received,
      };
    }
    const recorded = { call, line: [basename(call.command), ...call.args].join(' '), got: [] };
    this.calls.push(recorded);
    this.running.add(recorded);
    try {
      const answer = await this.respond(call, recorded, this);
      const [stdout, stderr] = [answer.stdout ?? '', answer.stderr ?? ''];
      if (call.output.mode === 'log') call.output.write(`${stdout}${stderr}`);
      if (call.output.mode === 'passthrough') {
        call.output.stdout(stdout);
        call.output.stderr(stderr);
      }
      const code = answer.code ?? 0;
      return {
        code,
        signal: null,
        stdout,
        stderr,
        output: `${stdout}${stderr}`,
        interrupted: this.received,
      };
    } finally {
      this.running.delete(recorded);
    }
  }

  /** The lines of the calls so far, version probes and git's reads of the checkout left out. */
  lines(): string[] {
    return this.calls
      .map((c) => c.line)
      .filter((l) => !/ (version|--version)$/.test(l) && !l.startsWith('git '));
  }

  private onSignal(signal: Signal): void {
    if (this.received !== undefined) return;
    this.received = signal;
    for (const call of this.running) call.got.push(FORWARDED[signal]);
    this.controller.abort();
  }
}

/** A call that waits until a signal reaches it, then exits as a tool stopped by Ctrl-C does. */
export function hang(exec: RecordingExec): Promise<Answer> {
  return new Promise((resolve) => {
    const stop = () => resolve({ code: 130, stderr: 'stopped\n' });
    if (exec.signal.aborted) stop();
    else exec.signal.addEventListener('abort', stop, { once: true });
  });
}

/** An environment stack's outputs as the stacks write them: `hosts` hosts on loopback, the app on `port`. */
export function stackOutputs(
  environment: string,
  hosts: number,
  port: number,
): Record<string, unknown> {
  const names = Array.from({ length: hosts }, (_, i) => `docker-host-00${i + 1}`);
  const host = (name: string, i: number) => ({
    name,
    zone: 'europe-west1-b',
    external_ip: '127.0.0.1',
    internal_ip: `10.132.0.${i + 2}`,
    instance_id: `7000000000000000${i + 1}`,
    app_url: `http://127.0.0.1:${port}`,
    ssh: 'deploy@127.0.0.1',
    docker_host: 'ssh://deploy@127.0.0.1',
  });
  return {
    hosts: Object.fromEntries(names.map((name, i) => [name, host(name, i)])),
    app_urls: names.map(() => `http://127.0.0.1:${port}`),
    ssh_user: 'deploy',
    ssh_via: 'direct',
    project: 'test-project-123',
    app_port: port,
    environment,
  };
}

const REGISTRY_URL = 'europe-west1-docker.pkg.dev/test-project-123/docker-hosts';
const REGISTRY_OUTPUTS = {
  repositories: { 'test-project-123': REGISTRY_URL },
  environment_registries: { stage: REGISTRY_URL, prod: REGISTRY_URL },
  environment_registry_hosts: {
    stage: 'europe-west1-docker.pkg.dev',
    prod: 'europe-west1-docker.pkg.dev',
  },
};

/** The options of the tools' stand-ins: the plan `terraform show -json` prints, the app's port, a failing call. */
export interface Tools {
  readonly port: number;
  readonly planJson?: string;
  /** A call whose line starts with this fails: 25 error lines, exit 3. */
  readonly fail?: string;
  /** A call whose line starts with this waits for a signal. */
  readonly hangOn?: string;
  /** A call whose line starts with this answers after 200 ms. */
  readonly slowOn?: string;
  /** What every cdktf call prints: cdktf's spinner on a terminal, say. */
  readonly cdktfOutput?: string;
  /** The serial `terraform state pull` reports (default 1). */
  readonly serial?: number;
  /** The version `terraform version` reports (default 1.9.8). */
  readonly terraformVersion?: string;
  /** What `cdktf synth` writes into each stack's cdk.tf.json besides its name (a config edit). */
  readonly configEdit?: string;
  /** What git reads: the checkout's commit and `status --porcelain`, and user.email (default: no checkout). */
  readonly git?: GitAnswers;
}

export interface GitAnswers {
  readonly commit?: string;
  readonly porcelain?: string;
  readonly email?: string;
}

/** `git rev-parse HEAD`, `git status --porcelain`, `git config user.email`, as git answers them. */
function git(call: ExecCall, answers: GitAnswers = {}): Answer {
  const line = call.args.join(' ');
  const fail = (code: number, stderr: string) => ({ code, stderr });
  if (line === 'config user.email')
    return answers.email === undefined ? fail(1, '') : { stdout: `${answers.email}\n` };
  if (answers.commit === undefined)
    return fail(128, 'fatal: not a git repository (or any of the parent directories): .git\n');
  if (line === 'rev-parse HEAD') return { stdout: `${answers.commit}\n` };
  if (line === 'status --porcelain') return { stdout: answers.porcelain ?? '' };
  return fail(129, `git stand-in: no answer for git ${line}\n`);
}

const NO_CHANGES = '{"format_version":"1.2","terraform_version":"1.5.7","resource_changes":[]}\n';

/** `terraform …` in <run folder>/cdktf.out/stacks/<stack>/: init, plan, show -json, apply, output -json. */
function terraform(call: ExecCall, tools: Tools): Answer {
  const stack = basename(call.cwd ?? '');
  if (call.args[0] === 'show')
    return { stdout: tools.planJson ? readFileSync(tools.planJson, 'utf8') : NO_CHANGES };
  const out = call.args.find((a) => a.startsWith('-out='));
  if (call.args[0] === 'plan' && out !== undefined)
    writeFileSync(out.slice(5), `plan of ${stack}\n`);
  if (call.args[0] === 'state')
    return {
      stdout: JSON.stringify({ version: 4, serial: tools.serial ?? 1, lineage: `l-${stack}` }),
    };
  if (call.args[0] !== 'output') return { stdout: `terraform ${call.args[0]}: ok\n` };
  const values: Record<string, unknown> =
    stack === 'backend'
      ? {}
      : stack === 'registry'
        ? REGISTRY_OUTPUTS
        : stackOutputs(stack, 2, tools.port);
  const entries = Object.entries(values).map(([k, value]) => [
    k,
    { value, type: 'dynamic', sensitive: false },
  ]);
  return { stdout: JSON.stringify(Object.fromEntries(entries)) };
}

/** The stand-ins of cdktf (synth, output), terraform, packer, ansible-playbook and ssh. */
export function toolResponder(tools: Tools): Responder {
  const respond = answer(tools);
  return (call, recorded, exec) => {
    if (tools.slowOn === undefined || !recorded.line.startsWith(tools.slowOn))
      return respond(call, recorded, exec);
    return new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
      respond(call, recorded, exec),
    );
  };
}

function answer(tools: Tools): Responder {
  return (call, recorded, exec) => {
    if (tools.hangOn !== undefined && recorded.line.startsWith(tools.hangOn)) return hang(exec);
    if (tools.fail !== undefined && recorded.line.startsWith(tools.fail)) {
      const lines = Array.from(
        { length: 25 },
        (_, i) => `${recorded.line.split(' ')[0]} error line ${i + 1}\n`,
      );
      return { code: 3, stdout: 'some progress on stdout\n', stderr: lines.join('') };
    }
    const tool = basename(call.command);
    if (call.args.at(-1) === 'version' || call.args.at(-1) === '--version')
      return { stdout: versionOf(tool, tools.terraformVersion) };
    if (tool === 'terraform') return terraform(call, tools);
    if (tool === 'git') return git(call, tools.git);
    if (tool === 'cdktf' && call.args[0] === 'output') {
      const file = call.args[call.args.indexOf('--outputs-file') + 1];
      writeFileSync(
        file,
        JSON.stringify({ [call.args[1]]: stackOutputs(call.args[1], 2, tools.port) }),
      );
    }
    if (tool === 'cdktf' && call.args[0] === 'synth') {
      // cdktf's --output (the run's own folder), else cdktf.out in its working directory.
      const at = call.args.indexOf('--output');
      const out = at < 0 ? join(call.cwd ?? '', 'cdktf.out') : call.args[at + 1];
      for (const s of ['backend', 'registry', 'stage', 'prod']) {
        const dir = join(out, 'stacks', s);
        mkdirSync(dir, { recursive: true });
        const config = { stack: s, edit: tools.configEdit ?? '' };
        writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(config));
      }
    }
    return { stdout: `${tool === 'cdktf' ? (tools.cdktfOutput ?? '') : ''}${tool}: ok\n` };
  };
}

function versionOf(tool: string, terraform = '1.9.8'): string {
  const versions: Record<string, string> = {
    packer: 'Packer v1.11.2',
    terraform: `Terraform v${terraform}\non linux_amd64`,
    'ansible-playbook': 'ansible-playbook [core 2.16.3]',
    docker: 'Docker version 26.1.5, build a',
  };
  return `${versions[tool] ?? `${tool} 1.0.0`}\n`;
}
