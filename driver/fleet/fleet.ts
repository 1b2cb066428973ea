/**
 * What the ship commands share: the hosts from the stack outputs, a host picked by name, children run with their
 * output passed through (prefixed by host when several run at once), and a playbook run the `hosts` step's way.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { HostOutput, hostList } from '../../stacks/outputs';
import { UsageError } from '../args';
import { EnvContext, lockRequest } from '../context';
import { loadOutputs } from '../outputs';
import type { ExecStep } from '../plan/steps';
import { playbookStep } from '../plan/tools';
import type { Output } from '../exec/capture';
import { SIGNAL_EXIT } from '../../lib/signals';
import { Fleet, sshArgv } from './ssh';
import { envDir, envLockPath, knownHostsFile } from '../paths';
import { commandLine, displayPath } from '../format';
import { EXIT_OK } from '../../lib/exit-codes';
import { takeEnvLock } from '../state';
import { makeWorkDir, workStep } from './day2';

export async function loadFleet(ctx: EnvContext): Promise<Fleet | number> {
  const outputs = await loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  const knownHosts = knownHostsFile(envDir(ctx.runBase, ctx.env.name));
  return {
    outputs,
    hosts: hostList(outputs),
    login: { privateKeyFile: ctx.env.ssh.privateKeyFile, knownHosts },
  };
}

/** The named host, or every host (`all`) / the first one; an unknown name is a usage error listing the known ones. */
export function pickHosts(
  ctx: EnvContext,
  fleet: Fleet,
  names: string | readonly string[] | undefined,
  all: boolean,
): HostOutput[] {
  if (fleet.hosts.length === 0) throw new UsageError(`${ctx.env.name} has no hosts in its outputs`);
  if (names === undefined) return all ? [...fleet.hosts] : [fleet.hosts[0]];
  return (typeof names === 'string' ? [names] : names).map((name) => {
    const host = fleet.hosts.find((h) => h.name === name);
    if (host !== undefined) return host;
    const known = fleet.hosts.map((h) => h.name).join(', ');
    throw new UsageError(`unknown host "${name}" in ${ctx.env.name}; hosts are: ${known}`);
  });
}

/** A command (an ExecStep fits); its output after `prefix` on each line, or `terminal`: the terminal itself. */
type Child = Pick<ExecStep, 'command' | 'args'> &
  Partial<
    Pick<ExecStep, 'cwd' | 'env'> & { readonly prefix?: string; readonly terminal?: boolean }
  >;

/**
 * Runs one child through the executor with its output passed to the driver's stdout/stderr. A terminal child stays
 * in the terminal's process group (it reads the keyboard); any other runs in its own. A signal to the driver is
 * forwarded to it once and waited for: the exit code is then 128 + the signal's number.
 */
export async function runChild(ctx: EnvContext, c: Child): Promise<number> {
  const { stdout, stderr } = ctx.deps;
  const output: Output = c.terminal
    ? { mode: 'terminal' }
    : {
        mode: 'passthrough',
        stdout: (t) => stdout.write(t),
        stderr: (t) => stderr.write(t),
        prefix: c.prefix,
      };
  const ran = await ctx.exec.run({
    command: c.command,
    args: c.args,
    cwd: c.cwd,
    env: c.env,
    output,
  });
  return ran.interrupted !== undefined ? SIGNAL_EXIT[ran.interrupted] : ran.code;
}

/**
 * `remote` on each host in turn over SSH (a header line per host when there are several), on the terminal when
 * `terminal`; interrupted (here, or the command on the host by a signal), the next hosts do not run. The worst code.
 */
export async function onEachHost(
  ctx: EnvContext,
  fleet: Fleet,
  hosts: readonly HostOutput[],
  remote: readonly string[],
  terminal: boolean,
): Promise<number> {
  let worst = 0;
  for (const host of hosts) {
    if (hosts.length > 1) ctx.deps.stderr.write(`${ctx.errStyle.bold(`== ${host.name}`)}\n`);
    const code = await runChild(ctx, {
      command: 'ssh',
      args: sshArgv(fleet, host, remote, terminal),
      terminal,
    });
    if (Object.values(SIGNAL_EXIT).includes(code)) return code;
    worst = worst || code;
  }
  return worst;
}

/**
 * `--dry-run` of a playbook command: the exact ansible-playbook call (its work folder named, not made), the lock it
 * would take, the extra vars; nothing read from the hosts, no lock taken, nothing written.
 */
export function dryRunPlaybook(
  ctx: EnvContext,
  playbook: string,
  vars: Record<string, unknown>,
): number {
  const { deps, env, args } = ctx;
  const dir = join(envDir(ctx.runBase, env.name), `${args.command}-<work>`);
  const extra = Object.entries(vars).flatMap(([k, v]) => ['-e', JSON.stringify({ [k]: v })]);
  const plan = { root: deps.root, runDir: dir, cdktf: ctx.cdktf, node: process.execPath };
  const step = playbookStep(plan, env, playbook, { vars: extra });
  const added = Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v}`);
  deps.stdout.write(
    `${args.command} ${env.name} (dry run: nothing runs, no lock is taken, nothing is written)\n` +
      `lock: ${displayPath(envLockPath(ctx.runBase, env.name), deps.root)}\n` +
      `inventory: ${displayPath(join(dir, 'inventory.yml'), deps.root)}, from ${env.name}'s outputs (every host)\n` +
      `cwd: ${displayPath(step.cwd ?? deps.root, deps.root)}\n` +
      `env: ${added.join(' ')}\n` +
      `$ ${commandLine(step.command, step.args)}\n`,
  );
  return EXIT_OK;
}

/**
 * A playbook against every host, the `hosts` step's way (inventory, login, known_hosts, ansible.cfg), under the
 * environment's lock (it changes the hosts: never beside an `up`); its output passed through.
 */
export async function runPlaybook(
  ctx: EnvContext,
  fleet: Fleet,
  playbook: string,
  vars: Record<string, unknown>,
) {
  const lock = takeEnvLock(lockRequest(ctx));
  const dir = makeWorkDir(ctx, fleet.outputs);
  try {
    const extra = Object.entries(vars).flatMap(([k, v]) => ['-e', JSON.stringify({ [k]: v })]);
    const step = workStep(ctx, dir, (plan) =>
      playbookStep(plan, ctx.env, playbook, { vars: extra }),
    );
    return await runChild(ctx, step);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    lock.release();
  }
}
