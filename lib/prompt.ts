/**
 * A question on the terminal that can be refused: Ctrl-C or Ctrl-D at the prompt rejects with PromptCancelled
 * (exit 130, one line, nothing done) instead of leaving the promise pending and the process exiting 0 in silence.
 */
import { createInterface } from 'node:readline';

/** The exit code of a run cancelled at a prompt: 128 + SIGINT, as a shell reports it. */
export const PROMPT_CANCELLED_EXIT = 130;

export class PromptCancelled extends Error {
  constructor(readonly key: 'Ctrl-C' | 'Ctrl-D') {
    super(`cancelled at the prompt (${key}): nothing was done`);
    this.name = 'PromptCancelled';
  }
}

export interface PromptIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Whether the input is a terminal (raw keys: Ctrl-C arrives as a key, not as a signal). */
  readonly terminal?: boolean;
}

/** The answer; `abort` closes the prompt and rejects (a signal came while it waited). */
export function ask(
  question: string,
  io: PromptIo = { input: process.stdin, output: process.stdout },
  abort?: AbortSignal,
): Promise<string> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: io.terminal });
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
      rl.close();
    };
    rl.on('SIGINT', () => settle(() => reject(new PromptCancelled('Ctrl-C'))));
    rl.on('close', () => settle(() => reject(new PromptCancelled('Ctrl-D'))));
    abort?.addEventListener('abort', () => settle(() => reject(new Error('the prompt was closed by a signal'))));
    rl.question(question, (answer) => settle(() => resolve(answer)));
  });
}
