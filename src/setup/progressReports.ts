// Sync progress as VS Code's progress notification shows it: a determinate bar (how much of the pull is done) and a
// message, updated once a second at most. An indeterminate bar animates all the time, and in a browser
// without a GPU (code-server) that alone kept the renderer busy for as long as a 100k-note set-up took; and each
// update of the status bar or the notification costs that renderer ~7 ms (test/exthost/spinCost.bench.ts).
import type { SyncProgress, SyncState } from '../sync/engineApi';

export const PROGRESS_INTERVAL_MS = 1000;

/** Lets a change of phase through at once and, within one phase, one update per interval. */
class PhaseGate {
  private lastAt = -Infinity;
  private lastPhase: string | undefined;

  constructor(private readonly now: () => number, private readonly intervalMs: number) {}

  passes(phase: string): boolean {
    const t = this.now();
    if (phase === this.lastPhase && t - this.lastAt < this.intervalMs) return false;
    this.lastAt = t;
    this.lastPhase = phase;
    return true;
  }

  /** The next update passes whatever its phase. */
  reset(): void {
    this.lastPhase = undefined;
  }
}

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
  private readonly gate: PhaseGate;

  constructor(private readonly message: (p: SyncProgress) => string, now: () => number = Date.now, intervalMs = PROGRESS_INTERVAL_MS) {
    this.gate = new PhaseGate(now, intervalMs);
  }

  next(p: SyncProgress): ProgressStep | undefined {
    if (!this.gate.passes(p.phase)) return undefined;
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
  private readonly gate: PhaseGate;

  constructor(now: () => number = Date.now, intervalMs = PROGRESS_INTERVAL_MS) {
    this.gate = new PhaseGate(now, intervalMs);
  }

  /** `current`: the state shown now (the last one admitted). */
  admits(current: SyncState, next: SyncState): boolean {
    if (current.kind !== 'syncing') this.gate.reset();
    if (next.kind !== 'syncing') return true;
    return this.gate.passes(next.phase);
  }
}
