// What the VS Code glue needs from the core, in one interface: src/setup/core.ts binds it to src/storage and src/sync.
import type { ReplicaMigration } from '../storage/migrations/report';
import type { ReplicaApi } from '../storage/replicaApi';
import type { SyncProgress, SyncResult, SyncState, TestSyncResult } from '../sync/engineApi';
import type { NetworkOptions } from '../sync/http/transport';
import type { Logger } from '../sync/logger';
import type { AllSettings } from '../settings';

export interface SchedulerHandle {
  readonly state: SyncState;
  onState(listener: (state: SyncState) => void): () => void;
  onProgress(listener: (progress: SyncProgress) => void): () => void;
  /** The replica followed the server to a newer sync version (issue 16). */
  onMigration?(listener: (migration: ReplicaMigration) => void): () => void;
  /** A local edit happened: sync soon. */
  localChange(): void;
  syncNow(): Promise<SyncResult>;
  forceFullSync(): Promise<SyncResult>;
  testSync(): Promise<TestSyncResult>;
  dispose(): void;
}

export interface SchedulerConfig {
  serverUrl: string;
  network: NetworkOptions;
  autoSync: boolean;
  intervalSeconds: number;
  documentSecret: () => Promise<string | null>;
  logger: Logger;
}

export interface SetupRun {
  dataDir: string;
  serverUrl: string;
  password: string;
  network: NetworkOptions;
  onProgress: (p: SyncProgress) => void;
  signal: AbortSignal;
  logger: Logger;
}

export interface CoreApi {
  openReplica(dataDir: string): Promise<ReplicaApi>;
  /** Initial sync from a server into an empty replica in dataDir; returns it open, with the document secret. */
  setupFromServer(run: SetupRun): Promise<{ replica: ReplicaApi; documentSecret: string | null; result?: SyncResult }>;
  createLocalDocument(dataDir: string, logger: Logger): Promise<ReplicaApi>;
  pushToServer(run: Omit<SetupRun, 'dataDir'> & { replica: ReplicaApi }): Promise<SyncResult | void>;
  createScheduler(replica: ReplicaApi, config: SchedulerConfig): SchedulerHandle;
  buildNetworkOptions(settings: AllSettings, env: Record<string, string | undefined>, secrets: { pfxPassphrase?: string; proxyPassword?: string }): NetworkOptions;
  /** The certificate a TLS server presents (for "trust this self-signed certificate"). */
  fetchServerCertificate?(url: string, network: NetworkOptions): Promise<{ hostPort: string; trusted: boolean; fingerprint256: string; subject: string; issuer: string; validTo: string } | null>;
}
