// Another Trilium client beside the VS Code under test: a replica set up from the same sync server, with its engine.
import { join } from 'path';
import type { ReplicaApi } from '../../src/storage/replicaApi';
import { systemClock } from '../../src/storage/types';
import { SyncEngine } from '../../src/sync/engine';
import { silentLogger } from '../../src/sync/logger';
import { replicaSecretSource } from '../../src/sync/secrets';
import { setupFromServer } from '../../src/sync/setup';
import type { DemoSyncServer, PrepareContext } from './types';

export interface OtherClient {
  replica: ReplicaApi;
  engine: SyncEngine;
}

/** Sets up a replica in `<runDir>/<name>` from `server` (its password), ready to sync. */
export async function setUpOtherClient(ctx: PrepareContext, server: DemoSyncServer, name: string): Promise<OtherClient> {
  const { replica } = await setupFromServer({ serverUrl: server.url, dataDir: join(ctx.runDir, name), password: server.password });
  const engine = new SyncEngine(replica, { serverUrl: server.url, network: {} }, replicaSecretSource(replica), systemClock, silentLogger);
  return { replica, engine };
}
