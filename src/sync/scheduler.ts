// When to sync: one at a time; every 60 s; shortly after local edits; at once when the network returns; with
// exponential backoff after failures. Emits SyncState and SyncProgress for the status bar.
import type { ReplicaApi } from '../storage/replicaApi';
import { systemClock, type Clock } from '../storage/types';
import type { SyncEngineApi, SyncProgress, SyncResult, SyncState } from './engineApi';
import { TriliumError, isTriliumError, type TriliumErrorCode } from './errors';
import { silentLogger, type Logger } from './logger';

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

  constructor(private readonly engine: SyncEngineApi, private readonly replica: ReplicaApi, opts: SchedulerOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.editDelayMs = opts.editDelayMs ?? 1_500;
    this.backoffInitialMs = opts.backoffInitialMs ?? 5_000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 600_000;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
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
  }

  /** Runs a sync now (or right after the running one) and resolves with its result. */
  async syncNow(): Promise<SyncResult | undefined> {
    if (this.running) {
      this.rerun = true;
      await this.running.catch(() => undefined);
    }
    return this.run();
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
      void this.run();
    }, Math.max(0, delayMs));
    this.timer.unref?.();
  }

  private run(): Promise<SyncResult | undefined> {
    const abort = new AbortController();
    this.abort = abort;
    const task = (async () => {
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
    this.currentState = state;
    for (const l of this.stateListeners) l(state);
  }
}
