/** The executor's own rules, on real children: no child after a signal, listeners only while installed, timeouts. */
import { EventEmitter } from 'node:events';
import { Executor } from '../../driver/exec/exec';
import { makeStyle } from '../../driver/format';

function executor() {
  const signals = new EventEmitter();
  const notes: string[] = [];
  const io = {
    signals,
    err: { write: (t: string) => void notes.push(t) },
    style: makeStyle(false, {}),
  };
  const exec = new Executor({ ...io, env: process.env, root: process.cwd() });
  return { exec, signals, notes };
}

test('listens for SIGINT, SIGTERM and SIGHUP only between install() and dispose()', () => {
  const { exec, signals } = executor();
  expect(signals.listenerCount('SIGTERM')).toBe(0);
  exec.install().install();
  expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => signals.listenerCount(s))).toEqual([1, 1, 1]);
  exec.dispose();
  expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => signals.listenerCount(s))).toEqual([0, 0, 0]);
});

test('after a signal no child starts: 128 + n, the signal named, the abort signal fired, one note', async () => {
  const { exec, signals, notes } = executor();
  exec.install();
  signals.emit('SIGTERM');
  signals.emit('SIGTERM');
  const ran = await exec.run({ command: 'true', args: [], output: { mode: 'capture' } });
  exec.dispose();
  expect([ran.code, ran.interrupted, ran.stderr]).toEqual([
    143,
    'SIGTERM',
    'true: not started, interrupted (SIGTERM)\n',
  ]);
  expect(exec.signal.aborted).toBe(true);
  expect(notes.join('')).toMatch(
    /^\nSIGTERM: stopping the current step and waiting for it to exit \(signal again/,
  );
  expect(notes).toHaveLength(1);
});

test('capture keeps both streams; a child past its timeout is killed; one that cannot start is 127', async () => {
  const { exec } = executor();
  const both = await exec.run({
    command: 'sh',
    args: ['-c', 'echo out; echo err >&2'],
    output: { mode: 'capture' },
  });
  expect([both.code, both.stdout, both.stderr, both.interrupted]).toEqual([
    0,
    'out\n',
    'err\n',
    undefined,
  ]);
  const slow = await exec.run({
    command: 'sleep',
    args: ['5'],
    output: { mode: 'capture' },
    timeoutMs: 100,
  });
  expect([slow.code, slow.signal]).toEqual([137, 'SIGKILL']);
  const missing = await exec.run({
    command: '/nonexistent/tool',
    args: [],
    output: { mode: 'capture' },
  });
  expect(missing.code).toBe(127);
  expect(missing.error?.message).toContain('ENOENT');
});

test('passthrough prefixes every line, the last one too when it has no newline', async () => {
  const { exec } = executor();
  const out: string[] = [];
  const output = {
    mode: 'passthrough' as const,
    stdout: (t: string) => void out.push(t),
    stderr: () => undefined,
    prefix: 'h1: ',
  };
  await exec.run({ command: 'printf', args: ['a\\nb'], output });
  expect(out.join('')).toBe('h1: a\nh1: b\n');
});
