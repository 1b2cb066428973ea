/** The approval prompt as a program on a real pseudo-terminal (the rules themselves: approval.test.ts). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EXIT_REFUSED } from '../../../lib/exit-codes';

const ROOT = join(__dirname, '..', '..', '..');

/** The approval program on a real pseudo-terminal, through util-linux `script`; input is typed once asked. */
function onPty(args: string[], typed: string): Promise<{ code: number | null; out: string }> {
  const command = [
    'node',
    'scripts/run-app.cjs',
    'test/fixtures/approval/approve-main.ts',
    ...args,
  ].join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let sent = false;
  child.stdout.on('data', (d) => {
    out += String(d);
    if (!sent && /Type the environment name: |\[y\/N\] /.test(out)) {
      sent = true;
      child.stdin.write(typed);
    }
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, out: out.replace(/\r/g, '') })),
  );
}

describe('on a pseudo-terminal', () => {
  jest.setTimeout(20000);

  test('typing the environment name applies', async () => {
    const r = await onPty(['prod', 'google-destroy'], 'prod\r');
    expect(r.out).toContain('Apply these changes to prod? Type the environment name: ');
    expect(r.out).toContain('APPLY');
    expect(r.code).toBe(0);
  });

  test('y is not enough when a host goes away', async () => {
    const r = await onPty(['prod', 'google-destroy'], 'y\r');
    expect(r.out).toContain(
      'NO-APPLY not approved (the answer was not "prod"): nothing was applied',
    );
    expect(r.code).toBe(EXIT_REFUSED);
  });

  test('Ctrl-C and Ctrl-D: nothing applied, one line, exit 130', async () => {
    for (const [key, name] of [
      ['\x03', 'Ctrl-C'],
      ['\x04', 'Ctrl-D'],
    ]) {
      const r = await onPty(['stage', 'google-update'], key);
      expect(r.out).toContain('Apply these changes to stage? [y/N] ');
      expect(r.out).toContain(`NO-APPLY cancelled at the prompt (${name}): nothing was done\n`);
      expect(r.code).toBe(130);
    }
  });
});
