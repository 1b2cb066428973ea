/**
 * What the ship commands share: the hosts from the stack outputs, a host picked by name, children run with their
 * output passed through (prefixed by host when several run at once), and a playbook run the `hosts` step's way.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { HostOutput, hostList } from '../../stacks/outputs';
import { UsageError } from '../args';
import type { EnvContext } from '../context';
import { loadOutputs } from '../outputs';
import type { ExecStep } from '../plan/steps';
import { playbookStep } from '../plan/tools';
import { signalChild } from '../runner/capture';
import { FORWARDED, SAME_SIGNAL_WINDOW_MS, Signal, SIGNAL_EXIT, SIGNALS } from '../runner/signals';
import type { Fleet } from '../ssh';
import { envDir, knownHostsFile, takeEnvLock } from '../state';
import { makeWorkDir, workStep } from './day2';

export async function loadFleet(ctx: EnvContext): Promise<Fleet | number> {
  const outputs = await loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  const knownHosts = knownHostsFile(envDir(ctx.runBase, ctx.env.name));
  return { outputs, hosts: hostList(outputs), login: { privateKeyFile: ctx.env.ssh.privateKeyFile, knownHosts } };
}

/** The named host, or every host (`all`) / the first one; an unknown name is a usage error listing the known ones. */
export function pickHosts(ctx: EnvContext, fleet: Fleet, name: string | undefined, all: boolean): HostOutput[] {
  if (fleet.hosts.length === 0) throw new UsageError(`${ctx.env.name} has no hosts in its outputs`);
  if (name === undefined) return all ? [...fleet.hosts] : [fleet.hosts[0]];
  const host = fleet.hosts.find((h) => h.name === name);
  if (host !== undefined) return [host];
  const names = fleet.hosts.map((h) => h.name).join(', ');
  throw new UsageError(`unknown host "${name}" in ${ctx.env.name}; hosts are: ${names}`);
}

/** Writes `text` line by line with `prefix`, holding back an unfinished last line until `end()`. */
function prefixer(write: (t: string) => void, prefix: string) {
  let pending = '';
  const flush = (all: boolean) => {
    const cut = all ? pending.length : pending.lastIndexOf('\n') + 1;
    if (cut === 0) return;
    const done = pending.slice(0, cut);
    pending = pending.slice(cut);
    write(`${done.replace(/^(?=.)/gm, prefix)}${done.endsWith('\n') ? '' : '\n'}`);
  };
  return { push: (t: string) => ((pending += t), flush(false)), end: () => flush(true) };
}

/** A command (an ExecStep fits); its output after `prefix` on each line, or `terminal`: the terminal itself. */
type Child = Pick<ExecStep, 'command' | 'args'> &
  Partial<Pick<ExecStep, 'cwd' | 'env'> & { readonly prefix?: string; readonly terminal?: boolean }>;

/**
 * Runs one child with its output passed to the driver's stdout/stderr. A terminal child stays in the terminal's
 * process group (it reads the keyboard); any other runs in its own. A signal to the driver (Ctrl-C, SIGTERM, SIGHUP)
 * is forwarded to it once and waited for: the exit code is then 128 + the signal's number.
 */
export function runChild(ctx: EnvContext, c: Child): Promise<number> {
  const signals = ctx.deps.signals ?? process;
  let received: Signal | undefined;
  return new Promise<number>((resolve) => {
    const child = spawn(c.command, [...c.args], {
      ...{ cwd: c.cwd ?? ctx.deps.root, env: { ...ctx.deps.env, ...c.env } },
      ...(c.terminal ? { stdio: 'inherit' } : { stdio: ['ignore', 'pipe', 'pipe'], detached: true }),
    });
    const kill = (signal: NodeJS.Signals) => signalChild(child, signal, !c.terminal);
    let first = 0;
    // The first signal is forwarded once; a later one (not the same Ctrl-C delivered twice) kills the child.
    const onSignal = (s: Signal) => {
      if (received === undefined) return void ((received = s), (first = Date.now()), kill(FORWARDED[s]));
      if (Date.now() - first <= SAME_SIGNAL_WINDOW_MS) return;
      ctx.deps.stderr.write(`${ctx.errStyle.red(`${s} again: killing ${c.command}`)}\n`);
      kill('SIGKILL');
    };
    const listeners = SIGNALS.map((s) => [s, () => onSignal(s)] as const);
    listeners.forEach(([s, listener]) => signals.on(s, listener));
    const prefix = c.prefix ?? '';
    const out = prefixer((t) => ctx.deps.stdout.write(t), prefix);
    const err = prefixer((t) => ctx.deps.stderr.write(t), prefix);
    child.stdout?.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => err.push(d.toString()));
    const done = (code: number) => {
      listeners.forEach(([s, listener]) => signals.off(s, listener));
      [out, err].forEach((p) => p.end());
      resolve(received !== undefined ? SIGNAL_EXIT[received] : code);
    };
    child.on('error', (e) => (ctx.deps.stderr.write(`${prefix}cannot run ${c.command}: ${e.message}\n`), done(127)));
    child.on('close', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/**
 * A playbook against every host, the `hosts` step's way (inventory, login, known_hosts, ansible.cfg), under the
 * environment's lock (it changes the hosts: never beside an `up`); its output passed through.
 */
export async function runPlaybook(ctx: EnvContext, fleet: Fleet, playbook: string, vars: Record<string, unknown>) {
  const lock = takeEnvLock(ctx);
  const dir = makeWorkDir(ctx, fleet.outputs);
  try {
    const extra = Object.entries(vars).flatMap(([k, v]) => ['-e', JSON.stringify({ [k]: v })]);
    const step = workStep(ctx, dir, (plan) => playbookStep(plan, ctx.env, playbook, { vars: extra }));
    return await runChild(ctx, step);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    lock.release();
  }
}
