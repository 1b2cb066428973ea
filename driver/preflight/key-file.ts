/**
 * Looking at a key file safely: what it is is checked before anything is read (a directory, a FIFO that would
 * block forever, a device, a file too large to be a key, one that cannot be read), and the answer is one line
 * that never contains the file's content.
 */
import { closeSync, constants, fstatSync, openSync, readSync, Stats, statSync } from 'node:fs';

/** Larger than any OpenSSH key (an RSA-16384 private key is about 12 KiB). */
export const MAX_KEY_FILE_BYTES = 16 * 1024;

export type KeyFile =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string };

function notAFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'is a directory, not a key file';
  if (stats.isFIFO()) return 'is a named pipe (FIFO), not a key file';
  if (stats.isSocket()) return 'is a socket, not a key file';
  return 'is a device, not a key file';
}

function checkStats(stats: Stats): string | undefined {
  return (
    notAFile(stats) ??
    (stats.size > MAX_KEY_FILE_BYTES
      ? `is ${stats.size} bytes, larger than any SSH key (at most ${MAX_KEY_FILE_BYTES})`
      : undefined)
  );
}

function errnoProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable (permission denied)';
  if (code === 'ENOTDIR') return 'does not exist (a part of its path is not a directory)';
  if (code === 'ELOOP') return 'is a symbolic link loop';
  return `cannot be read (${code ?? 'unknown error'})`;
}

/**
 * Opens the file without blocking (a FIFO opened non-blocking returns at once), checks what the open handle is,
 * and reads it only when `read` is asked and it is a small regular file.
 */
export function inspectKeyFile(path: string, read: boolean): KeyFile {
  let fd: number | undefined;
  try {
    const before = checkStats(statSync(path));
    if (before !== undefined) return { ok: false, problem: before };
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    const problem = checkStats(stats);
    if (problem !== undefined) return { ok: false, problem };
    if (!read) return { ok: true, text: '' };
    const buffer = Buffer.alloc(stats.size);
    const length = readSync(fd, buffer, 0, stats.size, 0);
    return { ok: true, text: buffer.toString('utf8', 0, length) };
  } catch (err) {
    return { ok: false, problem: errnoProblem(err) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
