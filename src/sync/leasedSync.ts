// One sync of a replica that other processes may be syncing too (the CLI's `sync`, "Sync Now" in a window that
// does not hold the lease): run it under the lease when the lease is free, otherwise ask the holder for a sync and
// take the outcome of its next run.
import type { SyncResult } from './engineApi';
import { TriliumError } from './errors';
import { SyncLease } from './lease';
import { fromSharedError, finishedRunSince, SharedSyncStatus, toShared, toSharedError, type SharedRun } from './sharedStatus';

export interface LeasedSyncOutcome {
  result: SyncResult;
  /** 'self', or the label of the holder whose run this was. */
  syncedBy: string;
  startedAt: number;
  finishedAt: number;
}

export interface WaitOptions {
  /** Give up after this long; 10 minutes by default. */
  waitMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits until the holder has finished a run that started after `requestedAt`. Resolves with that run, or with
 * null as soon as `lease` could be taken (the holder went away: the caller syncs itself).
 */
export async function waitForHolderRun(
  lease: SyncLease, status: SharedSyncStatus, requestedAt: number, opts: WaitOptions = {},
): Promise<SharedRun | null> {
  const deadline = Date.now() + (opts.waitMs ?? 600_000);
  for (;;) {
    if (opts.signal?.aborted) throw new TriliumError('CANCELLED', 'The sync was cancelled.');
    const run = finishedRunSince(await status.read(), requestedAt);
    if (run) return run;
    if (await lease.tryAcquire()) return null;
    if (Date.now() > deadline) {
      const holder = await lease.otherHolder();
      throw new TriliumError('TIMEOUT', `${holder?.label ?? 'Another process'} holds this replica's sync and did not sync within ${Math.round((opts.waitMs ?? 600_000) / 1000)} s.`,
        'Try again later, or close the other VS Code windows or trilium-sync runs on this document.');
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 200));
  }
}

/** A holder's run as this caller's result (its error rethrown). */
export function outcomeOfRun(run: SharedRun, holderLabel: string): LeasedSyncOutcome {
  if (run.error || !run.result) throw run.error ? fromSharedError(run.error) : new TriliumError('PROTOCOL', 'The other process\'s sync left no result.');
  return { result: run.result, syncedBy: holderLabel, startedAt: run.startedAt, finishedAt: run.finishedAt ?? Date.now() };
}

/** The CLI's sync: under the lease (released at the end), or the holder's next run. */
export async function syncWithLease(
  dataDir: string, label: string, sync: () => Promise<SyncResult>, opts: WaitOptions = {},
): Promise<LeasedSyncOutcome> {
  const lease = new SyncLease(dataDir, { label });
  const status = new SharedSyncStatus(dataDir);
  if (!(await lease.tryAcquire())) {
    const holder = await lease.otherHolder();
    const requestedAt = await status.requestSync(label);
    const run = await waitForHolderRun(lease, status, requestedAt, opts);
    if (run) return outcomeOfRun(run, holder?.label ?? 'another process');
  }
  const holder = { label, pid: process.pid };
  const startedAt = Date.now();
  const run: SharedRun = { startedAt, finishedAt: null, result: null, error: null };
  try {
    await status.write({ state: { kind: 'syncing', phase: 'login', pulled: 0, pushed: 0, outstandingPullCount: null }, holder, lastRun: run, updatedAt: Date.now() });
    const result = await sync();
    const finishedAt = Date.now();
    await status.write({
      state: toShared({ kind: 'idle', lastSyncedAt: new Date(finishedAt), pendingChanges: 0 }), holder,
      lastRun: { ...run, finishedAt, result }, updatedAt: finishedAt,
    });
    return { result, syncedBy: 'self', startedAt, finishedAt };
  } catch (e) {
    const error = e instanceof TriliumError ? e : new TriliumError('PROTOCOL', e instanceof Error ? e.message : String(e));
    const finishedAt = Date.now();
    await status.write({
      state: toShared({ kind: 'error', error, nextAttemptAt: null }), holder,
      lastRun: { ...run, finishedAt, error: toSharedError(error) }, updatedAt: finishedAt,
    }).catch(() => undefined);
    throw e;
  } finally {
    await lease.release();
  }
}
