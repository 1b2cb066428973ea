/**
 * cdktf's `captureStackTrace` (cdktf/lib/tokens/private/stack-trace.js), for the tests: jest.config.js maps cdktf's
 * own module here. cdktf records where every token was made (each Lazy, intrinsic and computed list: hundreds per
 * synth) by reading a full stack trace at once. Under jest each frame of such a trace is source-mapped (jest's
 * Error.prepareStackTrace reads and decodes the inline maps of every cdktf file on the stack), which was about a
 * quarter of `npm test`'s CPU time. This one captures the same frames with V8's own formatting: the strings
 * only ever appear in cdktf's messages about a token that does not resolve, where a .js line is as good as a .ts
 * one. It follows cdktf 0.21's function (hide the frames above `below`, no limit on depth).
 */

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** Hands V8's call sites back as they are: no formatting, no source maps. */
const callSites: PrepareStackTrace = (_error, frames) => frames;

/** How many traces were captured here: the test shows that cdktf's tokens come through this module. */
export const captures = { count: 0 };

export function captureStackTrace(below?: (...args: never[]) => unknown): string[] {
  captures.count += 1;
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  try {
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    Error.prepareStackTrace = callSites;
    Error.captureStackTrace(holder, below ?? captureStackTrace);
    // Read while callSites is in place: V8 formats the trace on the first read.
    const frames = holder.stack;
    return Array.isArray(frames) ? frames.map(String) : [];
  } finally {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = prepare;
  }
}
