import { PassThrough } from 'node:stream';
import { ask, PromptCancelled } from '../../lib/prompt';

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  return { input, output, terminal: true };
}

describe('a prompt', () => {
  test('returns the line typed', async () => {
    const io = terminal();
    const answer = ask('Type stage: ', io);
    io.input.write('stage\r');
    await expect(answer).resolves.toBe('stage');
  });

  test.each([
    ['Ctrl-C', '\x03'],
    ['Ctrl-D', '\x04'],
  ])('%s cancels it with one line saying nothing was done', async (key, byte) => {
    const io = terminal();
    const answer = ask('Type stage: ', io);
    io.input.write(byte);
    await expect(answer).rejects.toEqual(new PromptCancelled(key as 'Ctrl-C' | 'Ctrl-D'));
    await expect(answer).rejects.toThrow(`cancelled at the prompt (${key}): nothing was done`);
  });

  test('end of input (a closed pipe) cancels it too', async () => {
    const io = { ...terminal(), terminal: false };
    const answer = ask('Type stage: ', io);
    io.input.end();
    await expect(answer).rejects.toThrow('cancelled at the prompt (Ctrl-D)');
  });

  test('a signal (its AbortSignal) closes it: rejected, and the terminal no longer read', async () => {
    const io = terminal();
    const controller = new AbortController();
    const answer = ask('Type stage: ', io, controller.signal);
    expect(io.input.listenerCount('keypress')).toBeGreaterThan(0);
    controller.abort();
    await expect(answer).rejects.toThrow('the prompt was closed by a signal');
    expect(io.input.listenerCount('keypress')).toBe(0);
  });
});
