// A thread's busy stretches between the ticks of a 10 ms timer: how long it was busy at a stretch (wall time in
// JavaScript, event-loop utilization), how much of that its own CPU was (process.threadCpuUsage, Node ≥ 23.9), how
// long it waited for a core (Linux's /proc/thread-self/schedstat), the garbage collections in it, and what it was
// doing then (a label the caller sets). Used by the core test of the replica worker and by the extension host's set-up bench.
import { readFileSync } from 'fs';
import { PerformanceObserver, performance } from 'perf_hooks';

export interface Stretch {
  /** wall time the event loop was busy between two ticks */
  busyMs: number;
  gapMs: number;
  /** this thread's CPU time between the ticks, where Node can tell it */
  threadCpuMs?: number;
  /** time this thread was ready to run but waited for a core between the ticks, where Linux tells it */
  waitedForCoreMs?: number;
  label: string;
  /** page faults of this thread in the stretch that had to read from disk (Linux), e.g. code pages evicted from memory */
  majorFaults?: number;
  /** garbage-collection pauses of this thread in the stretch (filled in by stop()) */
  gcMs?: number;
  /** their kinds with their pauses, e.g. "major 31 ms, minor 2 ms" */
  gcKinds?: string;
  /** the stretch's window on the monotonic clock of CPU profiles (µs) */
  fromUs: number;
  toUs: number;
  /** and in performance.now() */
  fromMs: number;
  toMs: number;
}

export interface StallSummary {
  ticks: number;
  longest: Stretch | undefined;
  /** the stretch with the most CPU of this thread's own (where Node can tell it) */
  mostCpu: Stretch | undefined;
  /** the longest stretch that the monitor's `foreign` predicate did not claim (VS Code's own work in it) */
  longestOwn: Stretch | undefined;
  longestGapMs: number;
  /** stretches at or over 50 ms */
  over50: number;
  /** the 99th percentile of the busy stretches */
  p99BusyMs: number;
  /** every garbage collection of this thread while monitored, by kind: "minor 41 (212 ms), major 2 (35 ms)" */
  gcTotals: string;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Run time and run-queue wait of this thread so far, in ms, from /proc/thread-self/schedstat, and its major page
 * faults from /proc/thread-self/stat; undefined elsewhere.
 */
function threadStats(): { runMs: number; waitMs: number; majorFaults: number } | undefined {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const majorFaults = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[9]);
    return { runMs: run / 1e6, waitMs: wait / 1e6, majorFaults };
  } catch {
    return undefined;
  }
}

export class HostStallMonitor {
  label = 'starting';
  private readonly threadCpu = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  private readonly busy: number[] = [];
  private longest: Stretch | undefined;
  private mostCpu: Stretch | undefined;
  private longestOwn: Stretch | undefined;
  /** stretches of 10 ms and more, for longestOwn */
  private readonly pending: Stretch[] = [];
  private longestGapMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly gcs: { at: number; ms: number; kind: string }[] = [];
  private gcObserver: PerformanceObserver | undefined;

  /** `foreign(fromMs, toMs)`: whether work that is not the set-up's ran in that window (performance.now() times). */
  constructor(private readonly foreign: (fromMs: number, toMs: number) => boolean = () => false) {}

  start(): void {
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.gcs.push({ at: e.startTime, ms: e.duration, kind: gcKind((e as { detail?: { kind?: number } }).detail?.kind) });
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    let lastElu = performance.eventLoopUtilization();
    let last = performance.now();
    let lastUs = nowUs();
    let lastCpu = this.cpuMs();
    let lastSched = threadStats();
    this.timer = setInterval(() => {
      const now = performance.now();
      const us = nowUs();
      const busyMs = performance.eventLoopUtilization(lastElu).active;
      const cpu = this.cpuMs();
      const sched = threadStats();
      const gapMs = now - last;
      this.busy.push(busyMs);
      this.longestGapMs = Math.max(this.longestGapMs, gapMs);
      const stretch: Stretch = {
        busyMs, gapMs, label: this.label, fromUs: lastUs, toUs: us, fromMs: last, toMs: now,
        threadCpuMs: cpu !== undefined && lastCpu !== undefined ? cpu - lastCpu : undefined,
        waitedForCoreMs: sched && lastSched ? sched.waitMs - lastSched.waitMs : undefined,
        majorFaults: sched && lastSched ? sched.majorFaults - lastSched.majorFaults : undefined,
      };
      if (!this.longest || busyMs > this.longest.busyMs) this.longest = stretch;
      // judged at the end: a spawn is recorded once it returns, after the tick that it held up
      if (busyMs >= 10) this.pending.push(stretch);
      if (stretch.threadCpuMs !== undefined && (!this.mostCpu || stretch.threadCpuMs > this.mostCpu.threadCpuMs!)) this.mostCpu = stretch;
      lastElu = performance.eventLoopUtilization();
      last = now;
      lastUs = us;
      lastCpu = cpu;
      lastSched = sched;
    }, 10);
  }

  stop(): StallSummary {
    clearInterval(this.timer);
    this.gcObserver?.disconnect();
    for (const st of [this.longest, this.mostCpu, ...this.pending]) if (st) this.addGcs(st);
    for (const st of this.pending.sort((a, b) => b.busyMs - a.busyMs)) {
      if (!this.foreign(st.fromMs, st.toMs)) {
        this.longestOwn = st;
        break;
      }
    }
    if (!this.pending.length) this.longestOwn = this.longest;
    const sorted = [...this.busy].sort((a, b) => a - b);
    return {
      ticks: this.busy.length,
      longest: this.longest,
      mostCpu: this.mostCpu,
      longestOwn: this.longestOwn,
      longestGapMs: this.longestGapMs,
      over50: this.busy.filter((b) => b >= 50).length,
      gcTotals: gcTotals(this.gcs),
      p99BusyMs: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] : 0,
    };
  }

  /** GC entries arrive in a later task, so stretches learn theirs at the end. */
  private addGcs(st: Stretch): void {
    const inIt = this.gcs.filter((g) => g.at < st.toMs && g.at + g.ms > st.fromMs);
    st.gcMs = inIt.reduce((sum, g) => sum + g.ms, 0);
    const byKind = new Map<string, number>();
    for (const g of inIt) byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + g.ms);
    st.gcKinds = [...byKind].map(([k, ms]) => `${k} ${Math.round(ms)} ms`).join(', ') || 'none';
  }

  private cpuMs(): number | undefined {
    if (!this.threadCpu) return undefined;
    const u = this.threadCpu.call(process);
    return (u.user + u.system) / 1000;
  }
}

function gcTotals(gcs: { ms: number; kind: string }[]): string {
  const byKind = new Map<string, { n: number; ms: number }>();
  for (const g of gcs) {
    const t = byKind.get(g.kind) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += g.ms;
    byKind.set(g.kind, t);
  }
  return [...byKind].map(([k, t]) => `${k} ${t.n} (${Math.round(t.ms)} ms)`).join(', ') || 'none';
}

/** perf_hooks' NODE_PERFORMANCE_GC_* kinds. */
function gcKind(kind: number | undefined): string {
  switch (kind) {
    case 1: return 'minor';
    case 2: return 'major';
    case 4: return 'incremental marking';
    case 8: return 'weak callbacks';
    default: return `kind ${kind}`;
  }
}
