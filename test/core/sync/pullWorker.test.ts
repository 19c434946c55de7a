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
import type { RunningSyncServer, SyncServerOptions } from '../../../src/sync/server/syncServer';
import { isTriliumError, type TriliumError } from '../../../src/sync/errors';
import { PASSWORD, TempDirs, quietLogger, startServer } from './helpers';

describe('sync: a pull fetched by a worker thread', function () {
  this.timeout(240_000);
  const dirs = new TempDirs();
  let server: RunningSyncServer;
  const replicas: ReplicaApi[] = [];
  let fault: SyncServerOptions['fault'];
  /** GET /api/sync/changed and POST /api/login/sync requests the server has received. */
  let changedRequests = 0;
  let logins = 0;

  before(async () => {
    server = await startServer(dirs, {
      fault: (r) => {
        if (r.path === '/api/sync/changed') changedRequests++;
        if (r.path === '/api/login/sync') logins++;
        return fault?.(r);
      },
    });
    await generateNotes(server.replica!, { noteCount: 4000 });
  });
  afterEach(async () => {
    fault = undefined;
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
    const loginsBefore = logins;
    const a = await engineOn(viaWorker.replica, { pullWorker: 'always' }).sync();
    // the push and the rest of the round went on with the session the worker pulled in
    assert.equal(logins - loginsBefore, 1);
    const b = await engineOn(viaHost.replica, { pullWorker: 'never' }).sync();
    assert.equal(a.hashCheck, 'passed');
    assert.equal(a.pulled, b.pulled);
    assert.ok(viaWorker.counts.inbox >= 10 && viaWorker.counts.json === 0, `inbox ${viaWorker.counts.inbox}, json ${viaWorker.counts.json}`);
    assert.ok(viaHost.counts.inbox === 0 && viaHost.counts.json >= 10);
    assert.deepEqual(await viaWorker.replica.sectorHashes(), await viaHost.replica.sectorHashes());
    assert.deepEqual(await viaWorker.replica.sectorHashes(), await server.replica!.sectorHashes());
    assert.equal(await viaWorker.replica.getCursor('lastSyncedPull'), await server.replica!.maxSyncedEntityChangeId());
  });

  it('builds the replica\'s indexes while the last pages are fetched, and ends with the same replica', async () => {
    const { replica, counts } = await emptyWorkerReplica();
    const builtAfter: number[] = [];
    const build = replica.buildIndexesDuringBulkLoad.bind(replica);
    replica.buildIndexesDuringBulkLoad = async () => {
      builtAfter.push(counts.inbox);
      return build();
    };
    const result = await engineOn(replica, { pullWorker: 'always', earlyIndexBuild: { minPulled: 2000, outstandingShare: 0.5 } }).sync();
    assert.equal(result.hashCheck, 'passed');
    assert.equal(builtAfter.length, 1);
    assert.ok(builtAfter[0] > 0 && builtAfter[0] < counts.inbox, `built after ${builtAfter[0]} of ${counts.inbox} pages`);
    assert.deepEqual(await replica.sectorHashes(), await server.replica!.sectorHashes());
    assert.equal(await replica.getCursor('lastSyncedPull'), await server.replica!.maxSyncedEntityChangeId());
  });

  /** The error a sync fails with when the server resets the connection of the 3rd and 4th page requests (the retry). */
  async function failureOf(pullWorker: 'always' | 'never'): Promise<{ error: TriliumError; cursor: number; replica: ReplicaApi }> {
    const { replica } = await emptyWorkerReplica();
    const first = changedRequests;
    fault = (r) => (r.path === '/api/sync/changed' && [3, 4].includes(changedRequests - first) ? 'reset' : undefined);
    let error: TriliumError | undefined;
    await assert.rejects(engineOn(replica, { pullWorker }).sync(), (e: unknown) => {
      error = e as TriliumError;
      return isTriliumError(e);
    });
    fault = undefined;
    return { error: error!, cursor: await replica.getCursor('lastSyncedPull'), replica };
  }

  it('fails with the TriliumError the host thread would have thrown, and the next sync completes the replica', async () => {
    const viaWorker = await failureOf('always');
    const viaHost = await failureOf('never');
    assert.equal(viaWorker.error.code, 'CONNECTION_RESET');
    assert.equal(viaWorker.error.message, viaHost.error.message);
    assert.equal(viaWorker.error.hint, viaHost.error.hint);
    assert.equal(viaWorker.error.userMessage, viaHost.error.userMessage);
    // the pages before the failure are applied with their cursor, as on the host thread
    assert.equal(viaWorker.cursor, viaHost.cursor);
    assert.ok(viaWorker.cursor > 0);
    const again = await engineOn(viaWorker.replica, { pullWorker: 'always' }).sync();
    assert.equal(again.hashCheck, 'passed');
    assert.deepEqual(await viaWorker.replica.sectorHashes(), await server.replica!.sectorHashes());
  });

  it('logs in again when the server loses the session in the middle of the pull (401 from the worker\'s request)', async () => {
    const { replica, counts } = await emptyWorkerReplica();
    const loginsBefore = logins;
    let dropped = false;
    const apply = replica.applyInboxPages!;
    replica.applyInboxPages = async (pages, opts, cursor) => {
      if (!dropped) {
        dropped = true;
        server.dropSessions();
      }
      return apply(pages, opts, cursor);
    };
    const result = await engineOn(replica, { pullWorker: 'always' }).sync();
    assert.ok(dropped);
    assert.equal(logins - loginsBefore, 2, 'the lost session was noticed (SESSION_LOST) and the sync logged in again');
    assert.equal(result.hashCheck, 'passed');
    assert.ok(counts.inbox > 0);
    assert.deepEqual(await replica.sectorHashes(), await server.replica!.sectorHashes());
  });

  it('stops fetching when the sync is cancelled, leaving a replica the next sync completes', async () => {
    const { replica } = await emptyWorkerReplica();
    const abort = new AbortController();
    const apply = replica.applyInboxPages!;
    replica.applyInboxPages = async (pages, opts, cursor) => {
      const applied = await apply(pages, opts, cursor);
      abort.abort();
      return applied;
    };
    await assert.rejects(engineOn(replica, { pullWorker: 'always' }).sync({ signal: abort.signal }), (e: unknown) => isTriliumError(e, 'CANCELLED'));
    const after = changedRequests;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(changedRequests, after, 'no page was asked for after the cancel');
    const cursor = await replica.getCursor('lastSyncedPull');
    assert.ok(cursor > 0 && cursor < await server.replica!.maxSyncedEntityChangeId(), `cursor ${cursor}`);
    replica.applyInboxPages = apply;
    const again = await engineOn(replica, { pullWorker: 'always' }).sync();
    assert.equal(again.hashCheck, 'passed');
    assert.deepEqual(await replica.sectorHashes(), await server.replica!.sectorHashes());
  });

  it('stops at once when the sync is cancelled while the worker waits for the server', async () => {
    const { replica } = await emptyWorkerReplica();
    const abort = new AbortController();
    // the server is in this process: the cancel happens before it answers the first page
    fault = (r) => {
      if (r.path === '/api/sync/changed') abort.abort();
      return undefined;
    };
    await assert.rejects(engineOn(replica, { pullWorker: 'always' }).sync({ signal: abort.signal }), (e: unknown) => isTriliumError(e, 'CANCELLED'));
    fault = undefined;
    const after = changedRequests;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(changedRequests, after, 'no page was asked for after the cancel');
    assert.equal(await replica.getCursor('lastSyncedPull'), 0, 'the page the worker was waiting for was not applied');
  });

  it('fetches a small pull on the host thread unless told otherwise', async () => {
    const { replica, counts } = await emptyWorkerReplica();
    await engineOn(replica, {}).sync();
    // 4000 notes are ~12k changes, under PULL_WORKER_MIN_CHANGES
    assert.equal(counts.inbox, 0);
    assert.ok(counts.json > 0);
  });
});
