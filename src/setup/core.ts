// Binds CoreApi (what the glue needs) to the real core: src/storage and src/sync. The one place that knows their
// constructors, so the rest of the glue only sees plain interfaces.
import { openReplicaOn } from '../storage';
import type { ReplicaApi } from '../storage/replicaApi';
import { systemClock } from '../storage/types';
import { createLocalDocument, pushToServer, setupFromServer, SyncEngine, SyncScheduler } from '../sync';
import type { SyncProgress, SyncResult } from '../sync/engineApi';
import { TriliumError } from '../sync/errors';
import { buildNetworkOptions, fetchServerCertificate } from '../sync/http';
import { SyncLease } from '../sync/lease';
import { SharedSyncStatus } from '../sync/sharedStatus';
import type { AllSettings } from '../settings';
import type { CoreApi, SchedulerConfig, SchedulerHandle } from './coreApi';

function createScheduler(replica: ReplicaApi, config: SchedulerConfig): SchedulerHandle {
  const engine = new SyncEngine(
    replica,
    { serverUrl: config.serverUrl, network: config.network },
    { documentSecret: config.documentSecret },
    systemClock,
    config.logger,
  );
  // Every VS Code window opens the same replica: one of them (the lease holder) syncs, the others follow it.
  const label = `VS Code window (pid ${process.pid})`;
  const shared = { lease: new SyncLease(replica.dataDir, { label }), status: new SharedSyncStatus(replica.dataDir), label };
  const scheduler = new SyncScheduler(engine, replica, { intervalMs: config.intervalSeconds * 1000, logger: config.logger, shared });
  if (config.autoSync) scheduler.start(2_000);
  const progressListeners = new Set<(p: SyncProgress) => void>();
  const unsubscribeProgress = scheduler.onProgress((p) => progressListeners.forEach((l) => l(p)));
  return {
    get state() {
      return scheduler.state;
    },
    onState: (listener) => scheduler.onDidChangeState(listener),
    onMigration: (listener) => engine.onDidMigrate(listener),
    onProgress: (listener) => {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    localChange: () => undefined, // the scheduler watches the replica itself
    async syncNow(): Promise<SyncResult> {
      const result = await scheduler.syncNow();
      if (result) return result;
      const state = scheduler.state;
      if (state.kind === 'error' || state.kind === 'offline') throw state.error;
      throw new TriliumError('CANCELLED', 'The sync was cancelled.');
    },
    async forceFullSync(): Promise<SyncResult> {
      const result = await engine.forceFullSync({ onProgress: (p) => progressListeners.forEach((l) => l(p)) });
      await scheduler.syncNow(); // refreshes the state (and pushes anything made meanwhile)
      return result;
    },
    testSync: () => engine.testSync(),
    dispose: () => {
      unsubscribeProgress();
      void scheduler.stop();
    },
  };
}

export const realCore: CoreApi = {
  openReplica: (dataDir) => openReplicaOn('auto', dataDir),
  async setupFromServer(run) {
    const { replica, result } = await setupFromServer({
      dataDir: run.dataDir, serverUrl: run.serverUrl, password: run.password, network: run.network,
      onProgress: run.onProgress, signal: run.signal, logger: run.logger, thread: 'auto',
    });
    return { replica, result, documentSecret: await replica.getOption('documentSecret') };
  },
  createLocalDocument: (dataDir) => createLocalDocument(dataDir, { thread: 'auto' }),
  pushToServer: (run) => pushToServer({
    replica: run.replica, serverUrl: run.serverUrl, password: run.password, network: run.network,
    onProgress: run.onProgress, signal: run.signal, logger: run.logger,
  }),
  createScheduler,
  buildNetworkOptions: (settings: AllSettings, env, secrets) => buildNetworkOptions({
    trilium: settings.trilium, vscode: settings.vscode, env, secrets: { pfxPassphrase: secrets.pfxPassphrase },
  }),
  fetchServerCertificate: (url, network) => fetchServerCertificate(url, network),
};
