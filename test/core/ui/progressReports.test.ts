// The set-up's progress notification: a determinate bar that adds up to the pulled share, at most a few reports a second.
import { strict as assert } from 'node:assert';
import { ProgressReports, pulledPercent, SyncStateThrottle } from '../../../src/setup/progressReports';
import type { SyncState } from '../../../src/sync/engineApi';
import type { SyncProgress } from '../../../src/sync/engineApi';

const at = (phase: SyncProgress['phase'], pulled: number, outstanding: number | null): SyncProgress =>
  ({ phase, pulled, pushed: 0, outstandingPullCount: outstanding, rate: 0 });

describe('ui: sync progress reports', () => {
  it('says how much of the pull is done from the pulled and outstanding counts', () => {
    assert.equal(pulledPercent(at('pull', 250, 750)), 25);
    assert.equal(pulledPercent(at('pull', 0, 0)), 100);
    assert.equal(pulledPercent(at('login', 0, null)), undefined);
    assert.equal(pulledPercent(at('pull', 10, null)), undefined);
    assert.equal(pulledPercent(at('check', 1000, 0)), 100);
  });

  it('reports at most once per interval within a phase, always on a new phase, and increments that add up', () => {
    let now = 0;
    const reports = new ProgressReports((p) => `${p.phase} ${p.pulled}`, () => now, 250);
    const steps = [];
    for (const [t, p] of [[0, at('login', 0, null)], [10, at('pull', 100, 900)], [100, at('pull', 300, 700)],
      [300, at('pull', 500, 500)], [320, at('pull', 600, 400)], [600, at('pull', 1000, 0)], [610, at('check', 1000, 0)]] as const) {
      now = t;
      steps.push(reports.next(p));
    }
    assert.deepEqual(steps.map((s) => s?.message), ['login 0', 'pull 100', undefined, 'pull 500', undefined, 'pull 1000', 'check 1000']);
    const total = steps.reduce((n, s) => n + (s?.increment ?? 0), 0);
    assert.equal(total, 100);
    assert.deepEqual(steps.map((s) => s?.increment), [undefined, 10, undefined, 40, undefined, 50, undefined]);
  });

  it('by default reports once a second at most within a phase (each report repaints the window)', () => {
    let now = 0;
    const reports = new ProgressReports((p) => `${p.phase} ${p.pulled}`, () => now);
    const shown = [0, 250, 500, 999, 1000, 1500].map((t, i) => {
      now = t;
      return reports.next(at('pull', i * 100, 1000 - i * 100))?.message;
    });
    assert.deepEqual(shown, ['pull 0', undefined, undefined, undefined, 'pull 400', undefined]);
  });

  it('lets every state through but progress within one syncing phase, which passes once a second', () => {
    let now = 0;
    const throttle = new SyncStateThrottle(() => now);
    const syncing = (phase: 'login' | 'pull' | 'check', pulled: number): SyncState => ({ kind: 'syncing', phase, pulled, pushed: 0, outstandingPullCount: null });
    let current: SyncState = { kind: 'unconfigured' };
    const passed: string[] = [];
    for (const [t, next] of [[0, syncing('login', 0)], [5, syncing('pull', 10)], [300, syncing('pull', 20)], [900, syncing('pull', 30)],
      [1010, syncing('pull', 40)], [1100, syncing('check', 40)], [1150, { kind: 'idle', lastSyncedAt: null, pendingChanges: 0 }]] as Array<[number, SyncState]>) {
      now = t;
      if (!throttle.admits(current, next)) continue;
      current = next;
      passed.push(next.kind === 'syncing' ? `${next.phase} ${next.pulled}` : next.kind);
    }
    assert.deepEqual(passed, ['login 0', 'pull 10', 'pull 40', 'check 40', 'idle']);
  });
});
