// The contract of the sync engine (src/sync/engine.ts implements it) for the CLI and the VS Code glue.
import type { DriverInfo } from '../storage/driver/connection';
import type { ReplicaMigration } from '../storage/migrations/report';
import type { ConflictRecord } from '../storage/types';
import type { NetworkOptions, RouteInfo } from './http/transport';
import type { TriliumError } from './errors';

export type SyncState =
  | { kind: 'unconfigured' }
  | { kind: 'idle'; lastSyncedAt: Date | null; pendingChanges: number }
  | { kind: 'syncing'; phase: 'login' | 'push' | 'pull' | 'check'; pulled: number; pushed: number; outstandingPullCount: number | null }
  | { kind: 'offline'; error: TriliumError; nextAttemptAt: Date | null }
  | { kind: 'error'; error: TriliumError; nextAttemptAt: Date | null };

export interface SyncProgress {
  phase: 'seed' | 'login' | 'push' | 'pull' | 'check';
  pulled: number;
  pushed: number;
  /** From the server's last /api/sync/changed answer; null before the first page. */
  outstandingPullCount: number | null;
  /** Entity changes per second over the run so far. */
  rate: number;
}

export interface SyncResult {
  pulled: number;
  pushed: number;
  rounds: number;
  /** 'passed', or 'failed' after the iteration cap (with the sectors that still differ). */
  hashCheck: 'passed' | 'failed';
  failedSectors: Array<{ entityName: string; sector: string }>;
  conflicts: ConflictRecord[];
  durationMs: number;
  /** Set when this sync first migrated the replica to the server's newer sync version. */
  migration?: ReplicaMigration;
}

export interface TestSyncStep {
  name: string; // 'status', 'version', 'seed', 'login', 'pull'
  ok: boolean;
  detail: string;
}

export interface TestSyncResult {
  ok: boolean;
  /** Trilium's words on success: "Sync server handshake has been successful, sync has been started." */
  message: string;
  error?: TriliumError;
  steps: TestSyncStep[];
  serverSyncVersion?: number;
  /** The replica's sync version when the test ran (it differs from the server's until the next sync migrates it). */
  replicaSyncVersion?: number;
  /** The SQLite driver and version the local copy is stored with. */
  storage?: DriverInfo;
  route?: RouteInfo;
  /** Server clock minus local clock, from the HTTP Date header. */
  clockOffsetMs?: number;
}

export interface SyncConfig {
  serverUrl: string;
  network: NetworkOptions;
}

export interface SyncEngineApi {
  /** One complete sync (rounds until converged or the cap), serialized with any other sync. */
  sync(opts?: { signal?: AbortSignal; onProgress?: (p: SyncProgress) => void }): Promise<SyncResult>;
  /** Trilium's "Test sync": status → version → (seed an empty server) → login; then starts a sync. */
  testSync(): Promise<TestSyncResult>;
  /** Reset both cursors and sync everything again. */
  forceFullSync(opts?: { signal?: AbortSignal; onProgress?: (p: SyncProgress) => void }): Promise<SyncResult>;
}
