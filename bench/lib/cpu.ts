// CPU time of a process tree from /proc: utime and stime of the root and every descendant (all
// their threads), read before and after a load; the difference divided by the requests served is
// the CPU a proxy spends per request, a figure far less moved by other work on the machine than
// requests per second.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (getconf CLK_TCK, 100 on Linux almost always). */
const TICK_HZ = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone
  }
}

/** The pid and every descendant of it (from /proc). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f) parent.set(Number(entry), Number(f[1]));
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

export interface CpuTimes {
  /** Milliseconds in user space and in the kernel, the root process alone and the whole tree. */
  rootUserMs: number;
  rootSysMs: number;
  userMs: number;
  sysMs: number;
}

/** CPU time spent so far by `root` and its descendants (those alive now). */
export function treeCpu(root: number): CpuTimes {
  const t: CpuTimes = { rootUserMs: 0, rootSysMs: 0, userMs: 0, sysMs: 0 };
  for (const pid of processTree(root)) {
    const f = statFields(pid);
    if (!f) continue;
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    const user = (Number(f[11]) * 1000) / TICK_HZ;
    const sys = (Number(f[12]) * 1000) / TICK_HZ;
    t.userMs += user;
    t.sysMs += sys;
    if (pid === root) {
      t.rootUserMs = user;
      t.rootSysMs = sys;
    }
  }
  return t;
}

/** What `after` spent since `before`. */
export function cpuSince(before: CpuTimes, after: CpuTimes): CpuTimes {
  return {
    rootUserMs: after.rootUserMs - before.rootUserMs,
    rootSysMs: after.rootSysMs - before.rootSysMs,
    userMs: after.userMs - before.userMs,
    sysMs: after.sysMs - before.sysMs,
  };
}
