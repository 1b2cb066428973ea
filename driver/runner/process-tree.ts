/**
 * The processes a child started that left its process group (`setsid`, their own group): a signal to the group
 * misses them, so the driver signals them one by one. Read from /proc (Linux); elsewhere there are none to find.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One process: its pid, parent, process group, and start time (to tell a reused pid apart). */
interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly start: string;
}

/** /proc/<pid>/stat's fields after the command name (which may hold spaces and parentheses). */
function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice
    // num_threads itrealvalue starttime: fields[0] is the state, fields[19] the start time.
    if (fields[0] === 'Z') return undefined;
    return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]), start: fields[19] };
  } catch {
    return undefined;
  }
}

function allProcs(): Proc[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.flatMap((n) => (/^\d+$/.test(n) ? (readProc(Number(n)) ?? []) : []));
}

/** The living descendants of `pid` that are not in its process group (`pid` leads that group). */
export function strayDescendants(pid: number): Proc[] {
  const procs = allProcs();
  const found: Proc[] = [];
  let parents = new Set([pid]);
  while (parents.size > 0) {
    const children = procs.filter((p) => parents.has(p.ppid) && !found.includes(p));
    found.push(...children);
    parents = new Set(children.map((p) => p.pid));
  }
  return found.filter((p) => p.pgrp !== pid);
}

/** Sends `signal` to each process that is still the one found (same start time); gone ones are skipped. */
export function signalStrays(strays: readonly Proc[], signal: NodeJS.Signals): void {
  for (const p of strays) {
    if (readProc(p.pid)?.start !== p.start) continue;
    try {
      process.kill(p.pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}
