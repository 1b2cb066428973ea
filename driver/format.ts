/** Small, dependency-free helpers for what the driver prints. */

/** Quotes one argument for a POSIX shell, only when it needs it (for display: commands are never run through a shell). */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Options whose value is never printed nor logged (`--build-arg NAME=value` shows `NAME=…`). */
const REDACTED_AFTER = ['--build-arg'];

/** An argument as printed: a value after REDACTED_AFTER keeps its name only. */
function shownArg(arg: string, i: number, args: readonly string[]): string {
  return i > 0 && REDACTED_AFTER.includes(args[i - 1]) ? `${arg.split('=')[0]}=…` : arg;
}

/** A command line a person can copy and paste; build-arg values are redacted (they may be anything). */
export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args.map(shownArg)].map(shellQuote).join(' ');
}

/** `0.4s`, `12.3s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes < 60) return `${minutes}m${String(seconds).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A path as a person wants to read it: relative to `base` when inside it, else absolute. */
export function displayPath(path: string, base: string): string {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  if (path === base) return '.';
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** `K=V K=V`: the environment a step adds to what it inherits. */
export function addedEnv(env: Readonly<Record<string, string>>): string {
  const added = Object.entries(env);
  return added.length === 0 ? '(nothing added)' : added.map(([k, v]) => `${k}=${v}`).join(' ');
}

/** SGR codes that switch each style on and off. */
const SGR = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] } as const;

export type Style = Record<keyof typeof SGR, (text: string) => string>;

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function makeStyle(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  const plain = !isTTY || !!env.NO_COLOR || env.TERM === 'dumb';
  const styles = Object.entries(SGR).map(([name, [on, off]]) => {
    return [name, (text: string) => (plain ? text : `\x1b[${on}m${text}\x1b[${off}m`)];
  });
  return Object.fromEntries(styles) as Style;
}

/** A filesystem-safe UTC timestamp: 20250131T235959Z. */
export function runStamp(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d+/g, '');
}

/** Longest text from a file (a lock's details) printed as it is; longer is cut short with its length. */
const MAX_PRINTED = 200;

/** Control characters: C0 (escape, newline), DEL and C1. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text read from a file, made safe for a terminal line: control characters (escape codes, newlines, C1) shown as
 * `\uXXXX`, long text cut short.
 */
export function printable(text: string): string {
  const escaped = text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length <= MAX_PRINTED
    ? escaped
    : `${escaped.slice(0, MAX_PRINTED - 20)}… (${escaped.length} characters)`;
}
