// A sync cut off in the middle of a pull or of a paged push resumes with nothing lost or duplicated.
import { strict as assert } from 'node:assert';
import { openReplica } from '../../../src/storage';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import { isTriliumError } from '../../../src/sync/errors';
import { setupFromServer } from '../../../src/sync/setup';
import { generateNotes } from '../../../src/sync/server/generateDocument';
import type { RunningSyncServer, SyncServerOptions } from '../../../src/sync/server/syncServer';
import { PASSWORD, TempDirs, engineFor, newClient, quietLogger, snapshot, startServer } from './helpers';

async function assertSameDocument(a: ReplicaApi, b: ReplicaApi): Promise<void> {
  assert.deepEqual(await a.sectorHashes(), await b.sectorHashes());
  const ca = await a.counts();
  const cb = await b.counts();
  for (const table of ['notes', 'branches', 'attributes', 'blobs']) assert.equal(ca[table], cb[table], `${table} count`);
  assert.equal(await snapshot(a), await snapshot(b));
}

describe('sync: interrupted and resumed', function () {
  this.timeout(180_000);
  const dirs = new TempDirs();
  let serverDir: string;
  let server: RunningSyncServer;
  let fault: SyncServerOptions['fault'];

  before(async () => {
    serverDir = await dirs.make('trilium-server-');
    server = await startServer(dirs, { dataDir: serverDir, fault: (r) => fault?.(r) });
    await generateNotes(server.replica!, { noteCount: 1500 }); // ~4.7k changes: several pull pages
  });
  afterEach(() => {
    fault = undefined;
  });
  after(async () => {
    await server.close();
    await dirs.cleanup();
  });

  it('resumes an initial pull after the server was killed in the middle', async () => {
    const dataDir = await dirs.make();
    let killed = false;
    await assert.rejects(setupFromServer({
      dataDir, serverUrl: server.url, password: PASSWORD, logger: quietLogger,
      onProgress: (p) => {
        if (p.phase === 'pull' && p.pulled >= 1000 && !killed) {
          killed = true;
          void server.close();
        }
      },
    }), (e) => isTriliumError(e) && ['CONNECTION_RESET', 'CONNECTION_REFUSED', 'HTTP_ERROR'].includes(e.code));
    assert.ok(killed);
    server = await startServer(dirs, { dataDir: serverDir, fault: (r) => fault?.(r) });
    const replica = await openReplica(dataDir);
    try {
      const pulledBefore = await replica.getCursor('lastSyncedPull');
      assert.ok(pulledBefore > 0, 'the pages applied before the kill stay applied');
      const result = await engineFor(replica, server.url).sync();
      assert.equal(result.hashCheck, 'passed');
      await assertSameDocument(replica, server.replica!);
    } finally {
      await replica.close();
    }
  });

  it('resumes a pull whose connection was reset mid-way', async () => {
    const dataDir = await dirs.make();
    let changedCalls = 0;
    // The client sends a request once more after a reset (keep-alive races); cut both tries.
    fault = (r) => (r.path === '/api/sync/changed' && [3, 4].includes(++changedCalls) ? 'reset' : undefined);
    await assert.rejects(setupFromServer({ dataDir, serverUrl: server.url, password: PASSWORD, logger: quietLogger }),
      (e) => isTriliumError(e) && e.code === 'CONNECTION_RESET');
    const replica = await openReplica(dataDir);
    try {
      const result = await engineFor(replica, server.url).sync();
      assert.equal(result.hashCheck, 'passed');
      await assertSameDocument(replica, server.replica!);
    } finally {
      await replica.close();
    }
  });

  it('absorbs a single reset connection by sending the request once more', async () => {
    const client = await newClient(dirs, server);
    try {
      for (let i = 0; i < 30; i++) await client.replica.createNote({ parentNoteId: 'root', title: `Retried ${i}`, content: `<p>${'y'.repeat(2000)}</p>` });
      let changed = 0;
      let pages = 0;
      fault = (r) => {
        if (r.path === '/api/sync/changed' && ++changed === 1) return 'reset';
        if (r.path === '/api/sync/update' && r.pageIndex === 1 && ++pages === 1) return 'reset';
        return undefined;
      };
      const result = await engineFor(client.replica, server.url, { pageBytes: 16 * 1024 }).sync();
      assert.equal(result.hashCheck, 'passed');
      assert.equal(changed > 1 && pages > 1, true);
      await assertSameDocument(client.replica, server.replica!);
    } finally {
      await client.replica.close();
    }
  });

  it('resumes a paged push cut by a reset connection and by a killed server', async () => {
    const client = await newClient(dirs, server);
    try {
      const text = (i: number) => `<p>${'Ünïcode 😀 and ascii. '.repeat(60)} #${i}</p>`;
      for (let i = 0; i < 150; i++) await client.replica.createNote({ parentNoteId: 'root', title: `Pushed ${i}`, content: text(i) });
      // Small HTTP pages, so that one request body spans many pages.
      let engine = engineFor(client.replica, server.url, { pageBytes: 16 * 1024 });
      let resets = 0;
      fault = (r) => (r.path === '/api/sync/update' && r.pageIndex === 5 && resets++ < 2 ? 'reset' : undefined);
      await assert.rejects(engine.sync(), (e) => isTriliumError(e) && e.code === 'CONNECTION_RESET');
      const cursorAfterReset = await client.replica.getCursor('lastSyncedPush');

      let kills = 0;
      fault = (r) => {
        if (r.path === '/api/sync/update' && r.pageIndex === 3 && kills++ === 0) {
          void server.close();
          return 'reset';
        }
        return undefined;
      };
      await assert.rejects(engine.sync(), (e) => isTriliumError(e));
      assert.ok(kills > 0);
      fault = undefined;
      server = await startServer(dirs, { dataDir: serverDir });
      engine = engineFor(client.replica, server.url, { pageBytes: 16 * 1024 });
      const result = await engine.sync();
      assert.equal(result.hashCheck, 'passed');
      assert.ok(await client.replica.getCursor('lastSyncedPush') > cursorAfterReset);
      await assertSameDocument(client.replica, server.replica!);
      const titles = (await server.replica!.listAllNotes()).filter((n) => n.title.startsWith('Pushed ')).map((n) => n.title);
      assert.equal(titles.length, 150);
      assert.equal(new Set(titles).size, 150);
    } finally {
      await client.replica.close();
    }
  });
});
