/** A step's grandchild that left its process group (`setsid`) is stopped with the step, not left running. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture } from '../../driver/runner/capture';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'process-tree-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  return check();
};

describe.each(['SIGINT', 'SIGTERM'] as const)('%s to a step whose script started `setsid sleep &`', (signal) => {
  it('the setsid grandchild is stopped too', async () => {
    const pidFile = join(dir, 'pid');
    let kill: ((s: NodeJS.Signals) => void) | undefined;
    const script = `setsid sleep 30 & echo $! > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; wait`;
    const ran = capture('bash', ['-c', script], { cwd: dir, env: process.env, group: (k) => (kill = k) });
    expect(await until(() => existsSync(pidFile))).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(
      await until(() => alive(grandchild) && /sleep/.test(readFileSync(`/proc/${grandchild}/cmdline`, 'utf8'))),
    ).toBe(true);
    kill!(signal);
    await ran;
    expect(await until(() => !alive(grandchild))).toBe(true);
  });
});
