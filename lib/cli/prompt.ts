/**
 * One question on the terminal (readline/promises). Ctrl-C and Ctrl-D (end of input) return `interrupted`, never
 * an answer, so a caller cannot mistake them for "yes".
 */
import { createInterface } from 'node:readline/promises';
import type { PromptResult } from '../plan/approval';

export interface PromptStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Raw terminal handling (Ctrl-C read as a key): defaults to whether input is a TTY. */
  readonly terminal?: boolean;
  /** Where a SIGINT sent to the process (kill -INT) arrives; process by default. */
  readonly signals?: Pick<NodeJS.Process, 'once' | 'off'>;
}

/** Asks `question` and waits for one line. */
export async function prompt(question: string, streams: PromptStreams): Promise<PromptResult> {
  const terminal = streams.terminal ?? (streams.input as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input: streams.input, output: streams.output, terminal });
  const aborted = new AbortController();
  const stop = () => aborted.abort();
  const signals = streams.signals ?? process;
  rl.on('SIGINT', stop);
  rl.on('close', stop);
  signals.once('SIGINT', stop);
  try {
    const text = await rl.question(question, { signal: aborted.signal });
    return { kind: 'answer', text };
  } catch (error) {
    if (aborted.signal.aborted) {
      // The cursor is still after the question: end the line so the next message starts on its own.
      streams.output.write('\n');
      return { kind: 'interrupted' };
    }
    throw error;
  } finally {
    signals.off('SIGINT', stop);
    rl.off('close', stop);
    rl.close();
  }
}
