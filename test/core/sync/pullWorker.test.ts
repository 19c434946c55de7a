// A large pull fetched by a worker thread whose page bodies go straight to the replica's worker (src/sync/pull).
import { strict as assert } from 'node:assert';
import { createReplicaOn } from '../../../src/storage';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import { systemClock } from '../../../src/storage/types';
import { SyncEngine, type SyncEngineOptions } from '../../../src/sync/engine';
import { createTransport, type NetworkOptions } from '../../../src/sync/http/transport';
import { ProtocolClient } from '../../../src/sync/protocolClient';
import { replicaSecretSource } from '../../../src/sync/secrets';
import { generateNotes } from '../../../src/sync/server/generateDocument';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { PASSWORD, TempDirs, quietLogger, startServer } from './helpers';

describe('sync: a pull fetched by a worker thread', function () {
  this.timeout(240_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  const replicas: ReplicaApi[] = [];

  before(async () => {
    server = await startServer(dirs);
    await generateNotes(server.replica!, { noteCount: 4000 });
  });
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.close();
  });
  after(async () => {
    await server.close();
    await dirs.cleanup();
  });

  /** An empty replica in a worker, as setupFromServer makes one, counting the pages it got by inbox and as JSON text. */
  async function emptyWorkerReplica() {
    const seed = await new ProtocolClient(createTransport({}), server.url, systemClock, quietLogger).getSeed(PASSWORD);
    const replica = await createReplicaOn('worker', await dirs.make('trilium-pullworker-'), { syncVersion: seed.syncVersion, kind: 'empty' });
    replicas.push(replica);
    await replica.setOption('documentId', seed.documentId, false);
    await replica.setOption('documentSecret', seed.documentSecret, false);
    const counts = { inbox: 0, json: 0 };
    const inbox = replica.applyInboxPages!.bind(replica);
    replica.applyInboxPages = (pages, opts, cursor) => {
      counts.inbox += pages.length;
      return inbox(pages, opts, cursor);
    };
    const json = replica.applyPagesJson!.bind(replica);
    replica.applyPagesJson = (pages, opts, cursor) => {
      counts.json += pages.length;
      return json(pages, opts, cursor);
    };
    return { replica, counts };
  }

  const engineOn = (replica: ReplicaApi, options: SyncEngineOptions, network: NetworkOptions = {}, url = server.url) =>
    new SyncEngine(replica, { serverUrl: url, network }, replicaSecretSource(replica), systemClock, quietLogger, options);

  it('applies the same replica as the pull on the host thread', async () => {
    const viaWorker = await emptyWorkerReplica();
    const viaHost = await emptyWorkerReplica();
    const a = await engineOn(viaWorker.replica, { pullWorker: 'always' }).sync();
    const b = await engineOn(viaHost.replica, { pullWorker: 'never' }).sync();
    assert.equal(a.hashCheck, 'passed');
    assert.equal(a.pulled, b.pulled);
    assert.ok(viaWorker.counts.inbox >= 10 && viaWorker.counts.json === 0, `inbox ${viaWorker.counts.inbox}, json ${viaWorker.counts.json}`);
    assert.ok(viaHost.counts.inbox === 0 && viaHost.counts.json >= 10);
    assert.deepEqual(await viaWorker.replica.sectorHashes(), await viaHost.replica.sectorHashes());
    assert.deepEqual(await viaWorker.replica.sectorHashes(), await server.replica!.sectorHashes());
    assert.equal(await viaWorker.replica.getCursor('lastSyncedPull'), await server.replica!.maxSyncedEntityChangeId());
  });
});
