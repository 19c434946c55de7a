// Sync progress as VS Code's progress notification shows it: a determinate bar (how much of the pull is done) and a
// message, updated once a second at most. An indeterminate bar animates all the time, and in a browser
// without a GPU (code-server) that alone kept the renderer busy for as long as a 100k-note set-up took; and each
// update of the status bar or the notification costs that renderer ~7 ms (test/exthost/spinCost.bench.ts).
import type { SyncProgress, SyncState } from '../sync/engineApi';

export const PROGRESS_INTERVAL_MS = 1000;

/** Percent of the pull done, from the records pulled and the count the server says are still to come. */
export function pulledPercent(p: SyncProgress): number | undefined {
  if (p.outstandingPullCount === null || p.phase !== 'pull') return p.phase === 'check' ? 100 : undefined;
  const total = p.pulled + p.outstandingPullCount;
  return total > 0 ? Math.min(100, (100 * p.pulled) / total) : 100;
}

export interface ProgressStep {
  message: string;
  /** Percent to add to the bar (VS Code adds up the increments). */
  increment?: number;
}

/**
 * Turns a stream of SyncProgress into at most one report per interval (a change of phase always reports), with the
 * bar's increments adding up to the pulled percentage.
 */
export class ProgressReports {
  private shown = 0;
  private lastAt = -Infinity;
  private lastPhase: SyncProgress['phase'] | undefined;

  constructor(private readonly message: (p: SyncProgress) => string, private readonly now: () => number = Date.now,
    private readonly intervalMs = PROGRESS_INTERVAL_MS) {}

  next(p: SyncProgress): ProgressStep | undefined {
    const t = this.now();
    if (p.phase === this.lastPhase && t - this.lastAt < this.intervalMs) return undefined;
    this.lastAt = t;
    this.lastPhase = p.phase;
    const percent = pulledPercent(p);
    const step: ProgressStep = { message: this.message(p) };
    if (percent !== undefined && percent > this.shown) {
      step.increment = percent - this.shown;
      this.shown = percent;
    }
    return step;
  }
}

/**
 * Which sync states reach the status bar: every one, except progress within the same syncing phase, which passes
 * once per interval (a set-up's or a full sync's pages would otherwise each be a message to the window and a repaint).
 */
export class SyncStateThrottle {
  private shownAt = -Infinity;

  constructor(private readonly now: () => number = Date.now, private readonly intervalMs = PROGRESS_INTERVAL_MS) {}

  admits(current: SyncState, next: SyncState): boolean {
    if (next.kind !== 'syncing') return true;
    const t = this.now();
    if (current.kind === 'syncing' && current.phase === next.phase && t - this.shownAt < this.intervalMs) return false;
    this.shownAt = t;
    return true;
  }
}
