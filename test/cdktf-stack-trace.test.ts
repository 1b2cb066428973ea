import { Lazy, Tokenization } from 'cdktf';
import { captures, captureStackTrace } from './cdktf-stack-trace';

/** A token's creation stack, as cdktf records it (the tests' captureStackTrace, mapped by jest.config.js). */
function creationStackOf(token: string): string[] {
  const lazy = Tokenization.reverseString(token).firstToken as unknown as {
    creationStack: string[];
  };
  return lazy.creationStack;
}

function madeHere(): string {
  return Lazy.stringValue({ produce: () => 'x' });
}

test('cdktf records where a token was made, through the tests capture', () => {
  const before = captures.count;
  const stack = creationStackOf(madeHere());
  expect(captures.count).toBe(before + 1);
  expect(stack.length).toBeGreaterThan(2);
  expect(stack.some((frame) => frame.includes('madeHere'))).toBe(true);
  expect(stack.some((frame) => frame.includes('cdktf-stack-trace.test.ts'))).toBe(true);
  // The capture hides itself, as cdktf's does.
  expect(stack.some((frame) => frame.startsWith('captureStackTrace '))).toBe(false);
});

test('frames above `below` are hidden, and the previous formatting is back afterwards', () => {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  function outer(): string[] {
    return inner();
  }
  function inner(): string[] {
    return captureStackTrace(inner);
  }
  const stack = outer();
  expect(stack[0]).toMatch(/^outer /);
  expect(Error.prepareStackTrace).toBe(prepare);
  expect(Error.stackTraceLimit).toBe(limit);
});
