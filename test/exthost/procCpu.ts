// CPU time of this run's processes, by role, between two snapshots of /proc (Linux): what a set-up costs beyond the
// extension host's own threads (the browser's renderer, code-server's processes, the sync server). The run's
// processes are those with this extension host's TMPDIR (the harness gives each run its own) and their descendants
// (the browser's renderers need not keep its environment), and the sync server
// the pid in TRILIUM_BENCH_SERVER_PID; other runs on the same machine are left out. Empty where there is no /proc.
import { readdirSync, readFileSync } from 'fs';

const TICKS_PER_SECOND = 100;

export type CpuSnapshot = Map<number, { ticks: number; role: string }>;

const serverPid = Number(process.env.TRILIUM_BENCH_SERVER_PID ?? NaN);

function hasRunEnvironment(pid: number): boolean {
  try {
    return !!process.env.TMPDIR && readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`TMPDIR=${process.env.TMPDIR}`);
  } catch {
    return false;
  }
}

function roleOf(pid: number, cmdline: string, inRun: boolean): string | undefined {
  if (pid === process.pid) return 'extension host (with its worker)';
  if (pid === serverPid) return 'sync server';
  if (!inRun) return undefined;
  if (/chrom/i.test(cmdline)) return /--type=renderer/.test(cmdline) ? 'browser renderer' : 'browser, other processes';
  const type = /--type=(\S+)/.exec(cmdline)?.[1];
  if (type) return `code-server ${type}`;
  if (/code-server|vscode|bootstrap-fork/.test(cmdline)) return 'code-server';
  return 'other';
}

export function cpuSnapshot(): CpuSnapshot {
  const snap: CpuSnapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return snap;
  }
  const procs = new Map<number, { ppid: number; ticks: number; cmdline: string }>();
  for (const d of pids) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields from the state on: ppid is the 2nd, utime and stime the 12th and 13th
      procs.set(Number(d), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), cmdline: readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // the process ended meanwhile
    }
  }
  const inRun = new Map<number, boolean>();
  const belongs = (pid: number, depth = 0): boolean => {
    if (inRun.has(pid)) return inRun.get(pid)!;
    const p = procs.get(pid);
    const yes = !!p && depth < 32 && (hasRunEnvironment(pid) || (p.ppid > 1 && belongs(p.ppid, depth + 1)));
    inRun.set(pid, yes);
    return yes;
  };
  for (const [pid, p] of procs) {
    const role = roleOf(pid, p.cmdline, belongs(pid));
    if (role) snap.set(pid, { ticks: p.ticks, role });
  }
  return snap;
}

/** Seconds of CPU per role between the snapshots (processes that started in between count from zero). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, { ticks, role }] of after) {
    const used = ticks - (before.get(pid)?.ticks ?? 0);
    if (used > 0) out[role] = Math.round(((out[role] ?? 0) + used / TICKS_PER_SECOND) * 100) / 100;
  }
  return out;
}
