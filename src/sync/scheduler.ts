// When to sync: one at a time; every 60 s; shortly after local edits; at once when the network returns; with
// exponential backoff after failures. Emits SyncState and SyncProgress for the status bar.
import type { ReplicaApi } from '../storage/replicaApi';
import { systemClock, type Clock } from '../storage/types';
import type { SyncEngineApi, SyncProgress, SyncResult, SyncState } from './engineApi';
import { TriliumError, isTriliumError, type TriliumErrorCode } from './errors';
import { outcomeOfRun, waitForHolderRun } from './leasedSync';
import type { SyncLease } from './lease';
import { silentLogger, type Logger } from './logger';
import { fromShared, toShared, type SharedRun, type SharedSyncStatus } from './sharedStatus';

const OFFLINE_CODES: ReadonlySet<TriliumErrorCode> = new Set<TriliumErrorCode>([
  'CONNECTION_REFUSED', 'HOST_NOT_FOUND', 'TIMEOUT', 'CONNECTION_RESET', 'PROXY_UNREACHABLE',
]);

export interface SchedulerOptions {
  intervalMs?: number; // 60 s
  editDelayMs?: number; // 1.5 s
  backoffInitialMs?: number; // 5 s
  backoffMaxMs?: number; // 10 min
  clock?: Clock;
  logger?: Logger;
  /**
   * Several processes on one replica: only the lease holder syncs on its timers and writes the shared status;
   * the others show that status, hand "Sync now" to the holder, and take the lease over when it is free.
   */
  shared?: { lease: SyncLease; status: SharedSyncStatus; label: string; pollMs?: number; leaseCheckMs?: number };
}

export class SyncScheduler {
  private readonly intervalMs: number;
  private readonly editDelayMs: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private running: Promise<SyncResult | undefined> | undefined;
  private rerun = false;
  private abort: AbortController | undefined;
  private failures = 0;
  private started = false;
  private unsubscribe: (() => void) | undefined;
  private lastSyncedAt: Date | null = null;
  private currentState: SyncState = { kind: 'idle', lastSyncedAt: null, pendingChanges: 0 };
  private readonly stateListeners = new Set<(s: SyncState) => void>();
  private readonly progressListeners = new Set<(p: SyncProgress) => void>();
  private readonly shared: SchedulerOptions['shared'];
  private sharedTimer: NodeJS.Timeout | undefined;
  private lastRun: SharedRun | null = null;
  private lastSharedUpdate = 0;
  private lastRequestSeen = 0;
  private lastLeaseCheck = 0;
  private lastStatusWrite = 0;

  constructor(private readonly engine: SyncEngineApi, private readonly replica: ReplicaApi, opts: SchedulerOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.editDelayMs = opts.editDelayMs ?? 1_500;
    this.backoffInitialMs = opts.backoffInitialMs ?? 5_000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 600_000;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.shared = opts.shared;
  }

  get state(): SyncState {
    return this.currentState;
  }

  onDidChangeState(listener: (s: SyncState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onProgress(listener: (p: SyncProgress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Starts the timers; the first sync runs after `firstDelayMs` (default: at once). */
  start(firstDelayMs = 0): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.replica.onDidChange((change) => {
      if (change.origin === 'local') this.schedule(this.editDelayMs, false);
    });
    this.schedule(firstDelayMs, true);
    if (this.shared) {
      this.lastRequestSeen = Date.now(); // requests older than this were for an earlier holder
      this.sharedTimer = setInterval(() => void this.coordinate().catch(() => undefined), this.shared.pollMs ?? 500);
      this.sharedTimer.unref?.();
    }
  }

  /** Whether this process runs the syncs of the replica (always, without a lease). */
  get holdsLease(): boolean {
    return !this.shared || this.shared.lease.held;
  }

  /** Stops the timers and cancels a running sync. */
  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    await this.running?.catch(() => undefined);
    if (this.sharedTimer) clearInterval(this.sharedTimer);
    this.sharedTimer = undefined;
    await this.shared?.lease.release();
  }

  /** Runs a sync now (or right after the running one) and resolves with its result. */
  async syncNow(): Promise<SyncResult | undefined> {
    if (this.shared && !(await this.shared.lease.tryAcquire())) return this.syncByHolder();
    // Without timers (auto sync off) this process serves no one else's requests: it holds the lease for this run only.
    const onlyThisRun = !!this.shared && !this.started;
    try {
      if (this.running) {
        this.rerun = true;
        await this.running.catch(() => undefined);
      }
      return await this.run();
    } finally {
      if (onlyThisRun) await this.shared!.lease.release();
    }
  }

  /** The network came back: retry at once, forgetting the backoff. */
  networkRestored(): void {
    this.failures = 0;
    this.schedule(0, true);
  }

  /** Cancels the running sync, if any. */
  cancel(): void {
    this.abort?.abort();
  }

  private schedule(delayMs: number, override: boolean): void {
    if (!this.started) return;
    const due = Date.now() + Math.max(0, delayMs);
    // A sooner run is already planned: an edit must not push it back.
    if (this.timer && !override && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) {
        this.rerun = true;
        return;
      }
      void this.runFromTimer();
    }, Math.max(0, delayMs));
    this.timer.unref?.();
  }

  private run(): Promise<SyncResult | undefined> {
    const abort = new AbortController();
    this.abort = abort;
    const task = (async () => {
      this.lastRun = { startedAt: Date.now(), finishedAt: null, result: null, error: null };
      this.setState({ kind: 'syncing', phase: 'login', pulled: 0, pushed: 0, outstandingPullCount: null });
      try {
        const result = await this.engine.sync({
          signal: abort.signal,
          onProgress: (p) => {
            for (const l of this.progressListeners) l(p);
            const phase = p.phase === 'seed' ? 'login' : p.phase;
            this.setState({ kind: 'syncing', phase, pulled: p.pulled, pushed: p.pushed, outstandingPullCount: p.outstandingPullCount });
          },
        });
        this.lastSyncedAt = this.clock.now();
        this.lastRun = { ...this.lastRun!, finishedAt: Date.now(), result };
        if (result.hashCheck === 'failed') {
          const sectors = result.failedSectors.map((s) => `${s.entityName}/${s.sector}`).join(', ');
          this.failures++;
          this.setState({
            kind: 'error',
            error: new TriliumError('HASH_CHECK_FAILED', `The content hash check still fails after ${result.rounds} rounds${sectors ? ` (${sectors})` : ''}.`,
              'Run "Force full sync"; if it persists, check the server\'s consistency.'),
            nextAttemptAt: this.planRetry(),
          });
        } else {
          this.failures = 0;
          this.setState({ kind: 'idle', lastSyncedAt: this.lastSyncedAt, pendingChanges: await this.pendingChanges() });
          this.schedule(this.intervalMs, true);
        }
        return result;
      } catch (e) {
        const error = isTriliumError(e) ? e : new TriliumError('PROTOCOL', String(e instanceof Error ? e.message : e));
        this.lastRun = { ...this.lastRun!, finishedAt: Date.now(), error: { code: error.code, message: error.message, hint: error.hint } };
        if (error.code === 'CANCELLED') {
          this.setState({ kind: 'idle', lastSyncedAt: this.lastSyncedAt, pendingChanges: await this.pendingChanges() });
          return undefined;
        }
        this.failures++;
        this.logger.warn(`Sync failed: ${error.userMessage}`);
        const nextAttemptAt = this.planRetry();
        this.setState(OFFLINE_CODES.has(error.code) ? { kind: 'offline', error, nextAttemptAt } : { kind: 'error', error, nextAttemptAt });
        return undefined;
      } finally {
        this.running = undefined;
        if (this.rerun && this.started) {
          this.rerun = false;
          this.schedule(0, true);
        }
      }
    })();
    this.running = task;
    return task;
  }

  /** Exponential backoff: initial × 2^(failures−1), capped. */
  backoffMs(failures = this.failures): number {
    return Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** Math.max(0, failures - 1));
  }

  private planRetry(): Date | null {
    if (!this.started) return null;
    const delay = this.backoffMs();
    this.schedule(delay, true);
    return new Date(this.clock.now().getTime() + delay);
  }

  private async pendingChanges(): Promise<number> {
    try {
      return await this.replica.hasUnsentChanges(await this.replica.getCursor('lastSyncedPush'));
    } catch {
      return 0;
    }
  }

  private setState(state: SyncState): void {
    const previous = this.currentState;
    this.currentState = state;
    for (const l of this.stateListeners) l(state);
    if (this.shared?.lease.held) this.publish(state, previous);
  }

  /** A timer asks for a sync: only the lease holder runs it. */
  private async runFromTimer(): Promise<SyncResult | undefined> {
    if (this.shared && !(await this.shared.lease.tryAcquire())) return undefined;
    if (this.running) {
      this.rerun = true;
      return undefined;
    }
    this.logger.info('Timer sync: this window holds the sync lease.');
    return this.run();
  }

  /** The holder writes its state for the other processes (progress at most four times a second). */
  private publish(state: SyncState, previous: SyncState): void {
    const now = Date.now();
    if (state.kind === 'syncing' && previous.kind === 'syncing' && now - this.lastStatusWrite < 250) return;
    this.lastStatusWrite = now;
    const { status, label } = this.shared!;
    void status.write({ state: toShared(state), holder: { label, pid: process.pid }, lastRun: this.lastRun, updatedAt: now }).catch(() => undefined);
  }

  /** Every few hundred ms: the holder looks for sync requests; the others follow its status and watch the lease. */
  private async coordinate(): Promise<void> {
    if (!this.started || !this.shared) return;
    const { lease, status, leaseCheckMs } = this.shared;
    if (lease.held) {
      const request = await status.readRequest();
      if (request && request.requestedAt > this.lastRequestSeen) {
        this.lastRequestSeen = request.requestedAt;
        this.logger.info(`Sync requested by ${request.by}.`);
        this.schedule(0, true);
      }
      return;
    }
    const shared = await status.read();
    if (shared && shared.updatedAt !== this.lastSharedUpdate && !lease.held) {
      this.lastSharedUpdate = shared.updatedAt;
      const state = fromShared(shared.state);
      if (state.kind === 'idle' && state.lastSyncedAt) this.lastSyncedAt = state.lastSyncedAt;
      this.currentState = state;
      for (const l of this.stateListeners) l(state);
    }
    const now = Date.now();
    if (now - this.lastLeaseCheck < (leaseCheckMs ?? 2_000)) return;
    this.lastLeaseCheck = now;
    if (await lease.tryAcquire()) {
      this.logger.info('Took over the sync lease of this document.');
      this.lastRequestSeen = Date.now();
      this.schedule(0, true);
    }
  }

  /** "Sync now" in a process that does not hold the lease: the holder runs it; its outcome is ours. */
  private async syncByHolder(): Promise<SyncResult | undefined> {
    const { lease, status, label } = this.shared!;
    const holder = await lease.otherHolder();
    const requestedAt = await status.requestSync(label);
    const run = await waitForHolderRun(lease, status, requestedAt);
    if (!run) return this.syncNow();
    return outcomeOfRun(run, holder?.label ?? 'another process').result;
  }
}
