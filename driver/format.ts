/** Small, dependency-free helpers for what the driver prints. */

/** Quotes one argument for a POSIX shell, only when it needs it (for display: commands are never run through a shell). */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line a person can copy and paste. */
export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(' ');
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

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const plainStyle: Style = { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t, yellow: (t) => t };

function sgr(open: number, close: number): (text: string) => string {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function makeStyle(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  if (!isTTY || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb') return plainStyle;
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) };
}

/** A filesystem-safe UTC timestamp: 20250131T235959Z. */
export function runStamp(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d+/g, '');
}
