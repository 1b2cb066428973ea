import { spawn } from 'node:child_process';

/** Where the driver runs (the project copy, its environment), and what keeps every run's output. */
export interface DriverTarget {
  readonly repo: string;
  readonly env: NodeJS.ProcessEnv;
  /** Everything each driver run printed (stdout and stderr), in order: the secret checks search it. */
  readonly outputs: string[];
}

/** One finished driver run: its exit code and everything it printed. */
export interface DriverRun {
  readonly code: number;
  readonly out: string;
}

/**
 * Runs the real driver (`scripts/run-app.cjs driver/cli.ts`) in the project copy without blocking the event
 * loop (the double of Google's APIs answers from this process); killed after 10 minutes. Without `answer`
 * stdin is not a terminal; with it, the driver runs on a pseudo-terminal (util-linux `script`) and `answer`
 * is typed at the approval prompt, as in test/driver-real. `interruptWhen`, polled every 100 ms: the driver gets
 * one SIGINT the first time it holds.
 */
export function driver(
  t: DriverTarget,
  args: string[],
  answer?: string,
  interruptWhen?: () => boolean,
): Promise<DriverRun> {
  const started = Date.now();
  const argv = ['scripts/run-app.cjs', 'driver/cli.ts', ...args];
  const [command, commandArgs] =
    answer === undefined
      ? ['node', argv]
      : ['script', ['-qec', ['node', ...argv].join(' '), '/dev/null']];
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd: t.repo,
      env: t.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(answer === undefined ? '' : `${answer}\n`);
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const timer = setTimeout(
      () => child.pid !== undefined && process.kill(child.pid, 'SIGTERM'),
      600_000,
    );
    const poll = setInterval(() => {
      if (!interruptWhen?.() || child.pid === undefined) return;
      process.kill(child.pid, 'SIGINT'); // once, as a Ctrl-C that reaches the driver alone
      clearInterval(poll);
    }, 100);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`  (driver ${args.join(' ')}: exit ${code}, ${seconds} s)`);
      t.outputs.push(out);
      // A pty ends lines with CRLF.
      resolve({ code: code ?? -1, out: out.replace(/\r\n/g, '\n') });
    });
  });
}
