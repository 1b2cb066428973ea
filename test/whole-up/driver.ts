import { spawn } from 'node:child_process';

/** One finished driver run: its exit code and everything it printed. */
export interface DriverRun {
  readonly code: number;
  readonly out: string;
}

/**
 * Runs the real driver (`scripts/run-app.cjs driver/cli.ts`) in the project copy without blocking the event
 * loop (the double of Google's APIs answers from this process), stdin not a terminal; killed after 10 minutes.
 */
export function driver(repo: string, env: NodeJS.ProcessEnv, args: string[]): Promise<DriverRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('node', ['scripts/run-app.cjs', 'driver/cli.ts', ...args], {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGTERM'), 600_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`  (driver ${args.join(' ')}: exit ${code}, ${seconds} s)`);
      resolve({ code: code ?? -1, out });
    });
  });
}
