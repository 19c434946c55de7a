// The replica's worker thread runs at a lower OS priority than the thread that started it, so that when both want a
// core (an initial sync on a busy machine) the host's thread (VS Code's extension host) gets it first and stays
// responsive. Linux schedules each thread on its own and lets a thread lower its own priority; elsewhere (macOS,
// Windows) the priority of one thread cannot be set from JavaScript, and the worker keeps the host's.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Nice steps below the host, by default. With 5 the worker's scheduler weight is about a third of the host's: the host
 * gets a core first without the worker starving where other processes compete.
 */
export const WORKER_NICE_STEPS = 5;

/** The lowest priority there is (the highest nice value). */
const NICE_MAX = 19;

export type PriorityOutcome =
  | { lowered: true; tid: number; from: number; to: number }
  | { lowered: false; reason: string };

/** The nice value `steps` below `current`, within the range the OS has. */
export function loweredNice(current: number, steps: number): number {
  return Math.min(NICE_MAX, Math.max(current, current + steps));
}

/** The steps to use: TRILIUM_WORKER_NICE (a whole number from 0, to measure with others) or the default. */
export function niceStepsFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.TRILIUM_WORKER_NICE;
  if (raw === undefined || raw === '') return WORKER_NICE_STEPS;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : WORKER_NICE_STEPS;
}

/** This thread's id as the OS knows it, where /proc/thread-self says it (Linux). */
export function osThreadId(): number | undefined {
  try {
    const m = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowers the priority of the calling thread by `steps`, never that of the process's main thread (whose id is the
 * process's, and on which setPriority would apply to the host). Never throws: where it cannot, it says why.
 */
export function lowerThisThreadPriority(steps: number): PriorityOutcome {
  if (steps <= 0) return { lowered: false, reason: 'not asked to' };
  const tid = osThreadId();
  if (tid === undefined) return { lowered: false, reason: 'this OS does not name its threads in /proc' };
  if (tid === process.pid) return { lowered: false, reason: 'this is the main thread' };
  try {
    const from = getPriority(tid);
    const to = loweredNice(from, steps);
    if (to !== from) setPriority(tid, to);
    return { lowered: true, tid, from, to: getPriority(tid) };
  } catch (e) {
    return { lowered: false, reason: e instanceof Error ? e.message : String(e) };
  }
}
