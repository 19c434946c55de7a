// The extension host during a bench: what VS Code itself does there (the processes it starts, its start-up work),
// the priorities of its threads, and the functions a CPU profile saw in a stretch. The stretches themselves are
// measured by test/shared/stallMonitor.ts.
import { readdirSync, readFileSync } from 'fs';
import { performance } from 'perf_hooks';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The functions a CPU profile saw running in a window (µs, the profile's clock), most time first, as "name (file:line) ms". */
export function functionsInWindow(profile: CpuProfile, fromUs: number, toUs: number, top = 6): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const ms = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const next = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    if (t < fromUs || t > toUs) continue;
    const f = byId.get(profile.samples[i]);
    if (!f) continue;
    const file = f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` (${file})` : ''}`;
    ms.set(key, (ms.get(key) ?? 0) + next / 1000);
  }
  return [...ms].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${k} ${v.toFixed(1)} ms`);
}

/** The nice value of each of this process's threads, by thread name: what priorities a run used (Linux). */
export function threadPriorities(): { host: number; others: Record<string, number[]> } | undefined {
  try {
    const out: Record<string, number[]> = {};
    let host = NaN;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      if (Number(tid) === process.pid) host = nice;
      else (out[name] ??= []).push(nice);
    }
    return { host, others: out };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) of each of this process's threads so far, by thread id, with their names; Linux only. */
export function threadCpuSnapshot(): Map<string, { name: string; s: number }> {
  const out = new Map<string, { name: string; s: number }>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = Number(tid) === process.pid ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.set(tid, { name, s: (Number(f[11]) + Number(f[12])) / 100 });
    }
  } catch {
    // not Linux: no figures
  }
  return out;
}

/** CPU seconds by thread name between two snapshots (threads started in between count from zero). */
export function threadCpuBetween(before: Map<string, { name: string; s: number }>, after: Map<string, { name: string; s: number }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [tid, t] of after) out[t.name] = Math.round(((out[t.name] ?? 0) + t.s - (before.get(tid)?.s ?? 0)) * 100) / 100;
  return out;
}

export interface SpawnRecord {
  /** ms from the start of the recording */
  atMs: number;
  /** how long the spawn call held the thread (libuv waits there until the child has started its program) */
  ms: number;
  command: string;
  /** the innermost frames that called it */
  from: string;
}

/**
 * Records every child process this extension host starts until stop() is called: spawning holds the
 * thread until the child runs, so on a busy machine a spawn (VS Code's file search starting ripgrep) is a long stall.
 */
export function recordSpawns(): { lastAt: () => number | undefined; during: (fromMs: number, toMs: number) => boolean; stop: () => SpawnRecord[] } {
  const cp = require('child_process') as typeof import('child_process');
  const { syncBuiltinESMExports } = require('module') as { syncBuiltinESMExports: () => void };
  const original = cp.spawn;
  // the calling frames are formatted at the end: formatting a stack in the extension host (VS Code maps its frames)
  // would hold the thread for tens of ms in the middle of the set-up
  const records: (Omit<SpawnRecord, 'from'> & { caller: Error })[] = [];
  const t0 = performance.now();
  cp.spawn = function (this: unknown, ...args: unknown[]) {
    const caller = new Error();
    const start = performance.now();
    try {
      return (original as (...a: unknown[]) => ReturnType<typeof original>).apply(this, args);
    } finally {
      const end = performance.now();
      const rest = Array.isArray(args[1]) ? (args[1] as string[]).slice(0, 3).join(' ') : '';
      records.push({ atMs: Math.round(start - t0), ms: Math.round(end - start), command: `${String(args[0]).split('/').pop()} ${rest}`.trim(), caller });
    }
  } as typeof cp.spawn;
  syncBuiltinESMExports();
  const stop = () => {
    cp.spawn = original;
    syncBuiltinESMExports();
    return records.map(({ caller, ...r }) => ({
      ...r,
      from: (caller.stack ?? '').split('\n').slice(2, 6).map((l) => l.trim().replace(/^at /, '').replace(/\(.*\/([^/]+:\d+):\d+\)$/, '($1)')).join(' < '),
    }));
  };
  /** performance.now() of the latest spawn */
  const lastAt = () => (records.length ? t0 + records[records.length - 1].atMs : undefined);
  /** whether a spawn held the thread at some time between `fromMs` and `toMs` (performance.now()) */
  const during = (fromMs: number, toMs: number) => records.some((r) => t0 + r.atMs <= toMs && t0 + r.atMs + r.ms >= fromMs);
  return { lastAt, during, stop };
}

/**
 * Waits for VS Code's own start-up work in the extension host to be over: this thread quiet (event-loop utilization
 * under `busyShare`) for `quietMs` at a stretch, no process started for as long (the file searches of
 * `workspaceContains` activation events and of task detection start ripgrep, in bursts seconds apart), and the
 * extension host up for `minUptimeMs`; or `maxMs` passed. Resolves to how long it waited and whether it got there.
 */
export async function settle(lastSpawnAt: () => number | undefined, opts: { quietMs?: number; busyShare?: number; minUptimeMs?: number; maxMs?: number } = {}): Promise<{ waitedMs: number; quiet: boolean }> {
  const { quietMs = 8000, busyShare = 0.1, minUptimeMs = 20_000, maxMs = 90_000 } = opts;
  const start = performance.now();
  let quietSince = start;
  let last = performance.eventLoopUtilization();
  while (performance.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, 250));
    const now = performance.now();
    const elu = performance.eventLoopUtilization(last);
    last = performance.eventLoopUtilization();
    if (elu.utilization > busyShare) quietSince = now;
    const spawned = lastSpawnAt();
    const quietFor = Math.min(now - quietSince, spawned === undefined ? Infinity : now - spawned);
    if (quietFor >= quietMs && process.uptime() * 1000 >= minUptimeMs) return { waitedMs: Math.round(now - start), quiet: true };
  }
  return { waitedMs: Math.round(performance.now() - start), quiet: false };
}
