// The Linux process table from /proc: who descends from whom, so `npm start` can notice that the npm
// that started it is gone and make sure nothing it started outlives it.
import { readdirSync, readFileSync } from 'node:fs';

/** One process: its parent, its name and its start time (clock ticks since boot; tells a pid's reuse apart). */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
  startTime: number;
}

/** The process `pid`, or undefined when it is gone (or /proc has no entry for it). */
export function processInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // a zombie has ended
  return { pid, ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, close), startTime: Number(fields[19]) };
}

/** The command line of `pid` (as its process title shows it), '' when unreadable. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Every live process. */
export function processTable(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processInfo(Number(entry));
    if (p) out.push(p);
  }
  return out;
}

/** Live processes whose ancestry includes `pid` (not `pid` itself), parents before children. */
export function descendantsOf(pid: number): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const p of processTable()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcessInfo[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

/** Ancestors of `pid`, its parent first, up to (not including) pid 1. */
export function ancestorsOf(pid: number): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  let p = processInfo(pid);
  while (p && p.ppid > 1) {
    const parent = processInfo(p.ppid);
    if (!parent) break;
    out.push(parent);
    p = parent;
  }
  return out;
}

/** True while the process recorded as `p` runs (same pid and the same start time). */
export function stillRunning(p: Pick<ProcessInfo, 'pid' | 'startTime'>): boolean {
  return processInfo(p.pid)?.startTime === p.startTime;
}

/**
 * The processes whose death should stop this one: the ancestors up to the outermost `npm` of the
 * chain that started it (`npm start` → sh → npm run → sh → tsx → node); just the parent when no npm is involved.
 */
export function launchers(pid = process.pid): ProcessInfo[] {
  const chain = ancestorsOf(pid);
  const isNpm = (p: ProcessInfo) => p.comm === 'npm' || /(^|[\s/])npm(-cli\.js)?(\s|$)/.test(commandLine(p.pid));
  let last = -1;
  chain.forEach((p, i) => {
    if (isNpm(p)) last = i;
  });
  return chain.slice(0, Math.max(last + 1, 1));
}
