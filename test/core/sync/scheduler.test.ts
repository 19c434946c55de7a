// The scheduler against a real engine and our own server: first sync, sync shortly after local edits, offline
// state with exponential backoff, an immediate retry when the network returns, and cancellation.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { systemClock, type SqlValue } from '../../../src/storage/types';
import { openConnection } from '../../../src/storage/db';
import { SyncEngine } from '../../../src/sync/engine';
import { replicaSecretSource } from '../../../src/sync/secrets';
import type { SyncState } from '../../../src/sync/engineApi';
import { SyncScheduler } from '../../../src/sync/scheduler';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { TempDirs, newClient, quietLogger, startServer, type Client } from './helpers';

function waitFor(scheduler: SyncScheduler, predicate: (s: SyncState) => boolean, timeoutMs = 20_000): Promise<SyncState> {
  return new Promise((resolve, reject) => {
    if (predicate(scheduler.state)) return resolve(scheduler.state);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting; state is ${JSON.stringify(scheduler.state)}`));
    }, timeoutMs);
    const off = scheduler.onDidChangeState((s) => {
      if (predicate(s)) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    });
  });
}

describe('sync scheduler', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let serverDir: string;
  let server: RunningSyncServer;
  let client: Client;
  let scheduler: SyncScheduler;

  before(async () => {
    serverDir = await dirs.make('trilium-server-');
    server = await startServer(dirs, { dataDir: serverDir });
    client = await newClient(dirs, server);
  });
  afterEach(async () => {
    await scheduler?.stop();
  });
  after(async () => {
    await client.replica.close();
    await server.close();
    await dirs.cleanup();
  });

  it('syncs at start and again shortly after a local edit, reporting states and progress', async () => {
    scheduler = new SyncScheduler(client.engine, client.replica, { intervalMs: 60_000, editDelayMs: 150 });
    const kinds: string[] = [];
    scheduler.onDidChangeState((s) => kinds.push(s.kind));
    let progressEvents = 0;
    scheduler.onProgress(() => progressEvents++);
    scheduler.start();
    await waitFor(scheduler, (s) => s.kind === 'idle' && s.lastSyncedAt !== null);
    assert.deepEqual([...new Set(kinds)], ['syncing', 'idle']);
    assert.ok(progressEvents > 0);
    const { noteId } = await client.replica.createNote({ parentNoteId: 'root', title: 'Edited while the scheduler runs' });
    const before = Date.now();
    for (let i = 0; i < 100 && !(await server.replica!.getNote(noteId)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(await server.replica!.getNote(noteId), 'the edit reached the server without an explicit sync');
    assert.ok(Date.now() - before < 5000);
    const idle = await waitFor(scheduler, (s) => s.kind === 'idle');
    assert.equal(idle.kind === 'idle' && idle.pendingChanges, 0);
  });

  it('goes offline with exponential backoff and retries at once when the network returns', async () => {
    scheduler = new SyncScheduler(client.engine, client.replica, { intervalMs: 60_000, editDelayMs: 100, backoffInitialMs: 10_000, backoffMaxMs: 40_000 });
    assert.deepEqual([1, 2, 3, 4].map((n) => scheduler.backoffMs(n)), [10_000, 20_000, 40_000, 40_000]);
    const port = server.port;
    await server.close();
    scheduler.start();
    const offline = await waitFor(scheduler, (s) => s.kind === 'offline');
    assert.ok(offline.kind === 'offline');
    assert.equal(offline.error.code, 'CONNECTION_REFUSED');
    assert.ok(offline.nextAttemptAt && offline.nextAttemptAt.getTime() - Date.now() > 5_000, 'the next attempt waits for the backoff');
    server = await startServer(dirs, { dataDir: serverDir, port });
    const started = Date.now();
    scheduler.networkRestored();
    await waitFor(scheduler, (s) => s.kind === 'idle' && s.lastSyncedAt !== null);
    assert.ok(Date.now() - started < 5_000, 'no waiting for the backoff once the network is back');
  });

  it('reports a protocol error as an error state, and can be cancelled', async () => {
    scheduler = new SyncScheduler(client.engine, client.replica, { intervalMs: 60_000 });
    const secret = await client.replica.getOption('documentSecret');
    await client.replica.setOption('documentSecret', 'b3RoZXJkb2N1bWVudHNlY3I=', false);
    try {
      scheduler.start();
      const error = await waitFor(scheduler, (s) => s.kind === 'error');
      assert.ok(error.kind === 'error' && error.error.code === 'DIFFERENT_DOCUMENT');
    } finally {
      await client.replica.setOption('documentSecret', secret!, false);
    }
    const run = scheduler.syncNow();
    scheduler.cancel();
    await run;
    await scheduler.stop();
    assert.notEqual(scheduler.state.kind, 'syncing');
  });
});

describe('sync: a content hash check that cannot pass', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  after(() => dirs.cleanup());

  it('stops after the round cap with hashCheck "failed" and the sectors, and the scheduler shows HASH_CHECK_FAILED', async () => {
    const server = await startServer(dirs);
    const client = await newClient(dirs, server);
    try {
      // Both sides hold attributes (entity names only the server has are not compared, as in Trilium).
      await client.replica.addAttribute('root', 'label', 'healthy');
      assert.equal((await client.engine.sync()).hashCheck, 'passed');
      // Damage the server behind its replica's back: an attribute whose change carries the client's instance id,
      // so the server never sends it to that client (echo prevention) and the client cannot push what it lacks.
      const db = await openConnection(join(server.replica!.dataDir, 'document.db'), { create: false });
      const run = (sql: string, params: SqlValue[]) => db.run(sql, params);
      const now = new Date().toISOString().replace('T', ' ');
      await run(`INSERT INTO attributes (attributeId, noteId, type, name, value, position, utcDateModified, isDeleted, deleteId, isInheritable)
                 VALUES ('zzdamaged001', 'root', 'label', 'damaged', '', 0, ?, 0, NULL, 0)`, [now]);
      await run(`INSERT INTO entity_changes (entityName, entityId, hash, isErased, changeId, componentId, instanceId, isSynced, utcDateChanged)
                 VALUES ('attributes', 'zzdamaged001', 'damaged000', 0, 'damagedchg01', 'NA', ?, 1, ?)`, [client.replica.instanceId, now]);
      await db.close();

      const engine = new SyncEngine(client.replica, { serverUrl: server.url, network: {} }, replicaSecretSource(client.replica), systemClock, quietLogger, { maxRounds: 3 });
      const started = Date.now();
      const result = await engine.sync();
      assert.equal(result.hashCheck, 'failed');
      assert.equal(result.rounds, 3);
      assert.deepEqual(result.failedSectors, [{ entityName: 'attributes', sector: 'z' }]);
      assert.ok(Date.now() - started < 30_000);

      const scheduler = new SyncScheduler(engine, client.replica, { intervalMs: 60_000, backoffInitialMs: 30_000 });
      scheduler.start();
      try {
        const state = await waitFor(scheduler, (s) => s.kind === 'error');
        assert.ok(state.kind === 'error' && state.error.code === 'HASH_CHECK_FAILED');
        assert.match(state.error.message, /attributes\/z/);
        assert.ok(state.nextAttemptAt);
      } finally {
        await scheduler.stop();
      }
    } finally {
      await client.replica.close();
      await server.close();
    }
  });
});
