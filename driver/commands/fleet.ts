/**
 * What the ship commands (`releases`, `rollback`, `logs`, `exec`, `ssh`, `prune`) share: the hosts from the stack
 * outputs (the last deploy's, or `cdktf output` with --refresh), a host picked by name, the ssh argv to a host the way
 * Ansible connects (../ssh.ts), children run with their output passed through (prefixed by host when several run
 * at once), and a playbook run the way the `hosts` step runs site.yml, under the environment's lock.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { HostOutput, hostList, StackOutputs } from '../../stacks/outputs';
import { UsageError } from '../args';
import { EnvContext, now } from '../context';
import { acquireLock } from '../lock';
import { loadOutputs } from '../outputs';
import { capture } from '../runner/capture';
import { sshArgv, SshLogin } from '../ssh';
import { envDir, envLockPath, knownHostsFile } from '../state';
import { INVOCATION } from '../usage';
import { makeWorkDir, playStep } from './day2';

export interface Fleet {
  readonly outputs: StackOutputs;
  readonly hosts: readonly HostOutput[];
  readonly login: SshLogin;
}

export function loadFleet(ctx: EnvContext): Fleet | number {
  const outputs = loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  const knownHosts = knownHostsFile(envDir(ctx.runBase, ctx.env.name));
  return { outputs, hosts: hostList(outputs), login: { privateKeyFile: ctx.env.ssh.privateKeyFile, knownHosts } };
}

/** The named host, or every host (`all`) / the first one; an unknown name is a usage error listing the known ones. */
export function pickHosts(ctx: EnvContext, fleet: Fleet, name: string | undefined, all: boolean): HostOutput[] {
  const names = fleet.hosts.map((h) => h.name);
  if (fleet.hosts.length === 0) throw new UsageError(`${ctx.env.name} has no hosts in its outputs`);
  if (name === undefined) return all ? [...fleet.hosts] : [fleet.hosts[0]];
  const host = fleet.hosts.find((h) => h.name === name);
  if (host === undefined)
    throw new UsageError(`unknown host "${name}" in ${ctx.env.name}; hosts are: ${names.join(', ')}`);
  return [host];
}

/** `ssh …` to a host, running `remote` there. */
export function hostSsh(fleet: Fleet, host: HostOutput, remote: readonly string[], tty = false): string[] {
  return sshArgv(fleet.outputs, host, fleet.login, remote, tty);
}

/** Writes `text` line by line with `prefix` (nothing when empty), holding back an unfinished last line. */
function prefixer(write: (t: string) => void, prefix: string) {
  let pending = '';
  const flush = (all: boolean) => {
    const cut = all ? pending.length : pending.lastIndexOf('\n') + 1;
    if (cut === 0) return;
    const done = pending.slice(0, cut);
    pending = pending.slice(cut);
    write(prefix === '' ? done : done.replace(/^(?=.)/gm, prefix));
    if (all && !done.endsWith('\n')) write('\n');
  };
  return { push: (t: string) => ((pending += t), flush(false)), end: () => flush(true) };
}

export interface Child {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Put before every output line (several hosts at once). */
  readonly prefix?: string;
  /** The terminal itself (stdin, stdout, stderr) for the child: an interactive `ssh` or `exec -it`. */
  readonly terminal?: boolean;
}

/** Runs one child with its output passed to the driver's stdout/stderr; Ctrl-C reaches it from the terminal. */
export function runChild(ctx: EnvContext, c: Child): Promise<number> {
  const signals = ctx.deps.signals ?? process;
  let interrupted = false;
  const onInt = () => void (interrupted = true);
  signals.on('SIGINT', onInt);
  return new Promise<number>((resolve) => {
    const child = spawn(c.command, [...c.args], {
      ...{ cwd: c.cwd ?? ctx.deps.root, env: { ...ctx.deps.env, ...c.env } },
      stdio: c.terminal ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    const out = prefixer((t) => ctx.deps.stdout.write(t), c.prefix ?? '');
    const err = prefixer((t) => ctx.deps.stderr.write(t), c.prefix ?? '');
    child.stdout?.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => err.push(d.toString()));
    const done = (code: number) => {
      signals.off('SIGINT', onInt);
      out.end();
      err.end();
      resolve(interrupted ? 130 : code);
    };
    child.on(
      'error',
      (e) => (ctx.deps.stderr.write(`${c.prefix ?? ''}cannot run ${c.command}: ${e.message}\n`), done(127)),
    );
    child.on('close', (code, signal) => done(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

/** Runs `ssh` to a host and returns what it printed. */
export function sshCapture(ctx: EnvContext, fleet: Fleet, host: HostOutput, remote: readonly string[]) {
  return capture('ssh', hostSsh(fleet, host, remote), { cwd: ctx.deps.root, env: ctx.deps.env });
}

/** The same remote command on each host at once, each line prefixed with its host when there are several. */
export async function onHosts(ctx: EnvContext, fleet: Fleet, hosts: readonly HostOutput[], remote: string[]) {
  const codes = await Promise.all(
    hosts.map((h) =>
      runChild(ctx, {
        command: 'ssh',
        args: hostSsh(fleet, h, remote),
        prefix: hosts.length > 1 ? `${h.name} | ` : '',
      }),
    ),
  );
  return codes.find((c) => c !== 0) ?? 0;
}

/**
 * A playbook against every host, the `hosts` step's way (inventory, login, known_hosts, ansible.cfg), under the
 * environment's lock (it changes the hosts: never beside an `up`); its output passed through.
 */
export async function runPlaybook(
  ctx: EnvContext,
  fleet: Fleet,
  playbook: string,
  vars: Record<string, string | number>,
) {
  const lock = acquireLock(envLockPath(ctx.runBase, ctx.env.name), `${ctx.args.command} ${ctx.env.name}`, {
    now: now(ctx),
    release: `${INVOCATION} lock release ${ctx.env.name}`,
  });
  const work = makeWorkDir(ctx, fleet.outputs);
  try {
    const extra = Object.entries(vars).flatMap(([k, v]) => ['-e', JSON.stringify({ [k]: v })]);
    const step = playStep(ctx, work, playbook, extra);
    return await runChild(ctx, { command: step.command, args: step.args, env: step.env, cwd: step.cwd });
  } finally {
    rmSync(work.dir, { recursive: true, force: true });
    lock.release();
  }
}
