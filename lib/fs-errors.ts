import { readFileSync, statSync, Stats } from 'node:fs';

/** A filesystem error the driver cannot go on from (an unwritable run or lock folder), as one line. */
const WHY: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it exists and is not a folder',
  ELOOP: 'a symbolic link loop',
  EISDIR: 'it is a folder',
};

export function describeFsError(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (typeof e?.code !== 'string' || typeof e.path !== 'string' || WHY[e.code] === undefined) return undefined;
  const verb = e.syscall === 'mkdir' ? 'create the folder' : e.syscall === 'open' ? 'write' : (e.syscall ?? 'use');
  return `cannot ${verb} ${e.path}: ${WHY[e.code]}`;
}

/** What a path is when it is not a regular file: reading a FIFO or a device would wait forever. */
function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe): reading it waits for a writer';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** A regular file's text; a FIFO, device or folder is refused at once (an Error saying which) instead of hanging. */
export function readRegularFile(path: string): string {
  const stats = statSync(path);
  if (!stats.isFile()) throw new Error(`${path} is ${kindOf(stats)}: give a regular file`);
  return readFileSync(path, 'utf8');
}
