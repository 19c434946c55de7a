// Issue 16: the server is upgraded to a newer sync version under a replica with unsynced changes; the next sync
// migrates the replica in place, pushes every change and ends with the content hash check passing.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { supportedSyncVersions } from '../../../src/storage/profiles';
import { isTriliumError } from '../../../src/sync/errors';
import { engineFor, startServer, TempDirs } from './helpers';
import { buildWorld, fileFingerprint, hasClientChanges } from './upgradeWorld';

const STARTS = [32, 36, 39];

describe('sync: following a server upgrade (issue 16)', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  after(() => dirs.cleanup());

  for (const from of STARTS) {
    for (const to of supportedSyncVersions().filter((v) => v > from)) {
      it(`${from} → ${to}: one sync migrates the replica, pushes every unsynced change, hashes equal`, async () => {
        const world = await buildWorld(dirs, from);
        const { client } = world;
        const unsynced = await client.replica.hasUnsentChanges(await client.replica.getCursor('lastSyncedPush'));
        assert.ok(unsynced > 10, `unsynced changes before: ${unsynced}`);
        await world.server.close();
        const server = await startServer(dirs, { dataDir: world.serverDir, syncVersion: to });
        try {
          assert.equal(server.replica!.syncVersion, to);
          const events: number[] = [];
          const engine = engineFor(client.replica, server.url);
          engine.onDidMigrate((m) => events.push(m.toSyncVersion));
          const result = await engine.sync();
          assert.equal(result.hashCheck, 'passed');
          assert.equal(client.replica.syncVersion, to);
          assert.deepEqual(events, [to]);
          const m = result.migration!;
          assert.equal(m.fromSyncVersion, from);
          assert.equal(m.toSyncVersion, to);
          assert.ok(m.unsyncedChangesKept > 0);
          assert.ok(m.backupFile && m.backupFile.endsWith(`document.db.before-v${from}-to-v${to}`));
          assert.ok(!existsSync(m.backupFile), 'the copy goes after the successful sync');
          assert.deepEqual(await hasClientChanges(server.replica!, world.expect), []);
          assert.deepEqual(await client.replica.sectorHashes(), await server.replica!.sectorHashes());
          assert.deepEqual(result.conflicts, [], 'an upgrade alone makes no conflict');
          const verifiedClient = await client.replica.verifyHashes();
          const verifiedServer = await server.replica!.verifyHashes();
          assert.deepEqual(verifiedClient.mismatches, []);
          assert.deepEqual(verifiedServer.mismatches, []);
          if (from < 39 && to >= 39) {
            // Like Trilium's migration 238, neither side rehashed the revisions made before 39.
            assert.ok((verifiedClient.olderFormula ?? 0) >= 2, `client revisions with their pre-39 hash: ${verifiedClient.olderFormula}`);
            assert.ok((verifiedServer.olderFormula ?? 0) >= 2, `server revisions with their pre-39 hash: ${verifiedServer.olderFormula}`);
          }
          const help = await client.replica.getNote('_help_Otzi9La2YAUX');
          if (to >= 40) {
            assert.equal(help, null, 'the help subtree is virtual from 40 on');
            assert.equal(await server.replica!.getNote('_help'), null);
            assert.deepEqual(m.removedNoteIds.sort(), ['_help', '_help_Otzi9La2YAUX']);
          } else {
            assert.equal(await server.replica!.getNoteContent('_help_Otzi9La2YAUX'), '<p>a local edit to a help note</p>');
          }
          const again = await engine.sync();
          assert.equal(again.hashCheck, 'passed');
          assert.equal(again.migration, undefined);
          assert.equal(again.pushed + again.pulled, 0);
        } finally {
          await server.close();
          await client.replica.close();
        }
      });
    }
  }

  it('36 → 39 → 40 → 41, one server restart at a time, with new offline edits each time', async () => {
    const world = await buildWorld(dirs, 36);
    await world.server.close();
    const r = world.client.replica;
    let server = world.server;
    try {
      for (const to of [39, 40, 41]) {
        server = await startServer(dirs, { dataDir: world.serverDir, syncVersion: to });
        const result = await engineFor(r, server.url).sync();
        assert.equal(result.hashCheck, 'passed');
        assert.equal(result.migration?.toSyncVersion, to);
        assert.deepEqual(await r.sectorHashes(), await server.replica!.sectorHashes());
        assert.deepEqual((await r.verifyHashes()).mismatches, []);
        const n = await r.createNote({ parentNoteId: 'root', title: `offline before leaving ${to}` });
        await r.renameNote(world.expect.createdNoteId, `renamed at ${to}`);
        await server.close();
        server = await startServer(dirs, { dataDir: world.serverDir, syncVersion: to });
        await engineFor(r, server.url).sync();
        assert.equal((await server.replica!.getNote(n.noteId))?.title, `offline before leaving ${to}`);
        assert.equal((await server.replica!.getNote(world.expect.createdNoteId))?.title, `renamed at ${to}`);
        await server.close();
      }
      assert.deepEqual(await hasClientChanges(r, { ...world.expect, createdTitle: 'renamed at 41' }), []);
    } finally {
      await server.close().catch(() => undefined);
      await r.close();
    }
  });

  it('a server older than the replica: a clear error naming both versions, nothing written, changes stay queued', async () => {
    const world = await buildWorld(dirs, 39);
    const older = await startServer(dirs, { syncVersion: 36 });
    try {
      const r = world.client.replica;
      const pending = await r.hasUnsentChanges(await r.getCursor('lastSyncedPush'));
      const before = fileFingerprint(world.client.dataDir);
      const e = await engineFor(r, older.url).sync().then(() => assert.fail('must refuse'), (x: unknown) => x);
      assert.ok(isTriliumError(e, 'UNSUPPORTED_VERSION'));
      assert.match(e.message, /version 36 \(TriliumNext 0\.95–0\.102\).*version 39 \(TriliumNext 0\.103\)/);
      assert.match(e.userMessage, /never migrated backwards/);
      assert.match(e.userMessage, /unsynced changes stay queued/);
      assert.equal(fileFingerprint(world.client.dataDir), before);
      assert.equal(r.syncVersion, 39);
      assert.equal(await r.hasUnsentChanges(await r.getCursor('lastSyncedPush')), pending);
      const test = await engineFor(r, older.url).testSync({ startSync: false });
      assert.equal(test.ok, false);
      assert.equal(test.serverSyncVersion, 36);
      assert.equal(test.replicaSyncVersion, 39);
      // still works offline, and the queued changes still reach the right server
      await r.renameNote(world.expect.createdNoteId, 'still editable');
      const ok = await engineFor(r, world.server.url).sync();
      assert.equal(ok.hashCheck, 'passed');
      assert.deepEqual(await hasClientChanges(world.server.replica!, { ...world.expect, createdTitle: 'still editable' }), []);
    } finally {
      await older.close();
      await world.server.close();
      await world.client.replica.close();
    }
  });

  it('a server newer than every known profile: a clear error, nothing written', async () => {
    const world = await buildWorld(dirs, 36);
    // Our server cannot speak an unknown version, so this one answers only the unauthenticated status route.
    const future = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(req.url === '/api/setup/status' ? { isInitialized: true, schemaExists: true, syncVersion: 42 } : { message: 'no' }));
    });
    await new Promise<void>((resolve) => future.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(future.address() as AddressInfo).port}`;
    try {
      const r = world.client.replica;
      const before = fileFingerprint(world.client.dataDir);
      const e = await engineFor(r, url).sync().then(() => assert.fail('must refuse'), (x: unknown) => x);
      assert.ok(isTriliumError(e, 'UNSUPPORTED_VERSION'));
      assert.match(e.message, /version 42, newer than any this extension knows \(up to 41\); this replica speaks version 36/);
      assert.match(e.userMessage, /Update the extension/);
      assert.equal(fileFingerprint(world.client.dataDir), before);
      assert.ok(!readdirSync(world.client.dataDir).some((n) => n.includes('.before-')));
      const test = await engineFor(r, url).testSync({ startSync: false });
      assert.equal(test.ok, false);
      assert.equal(test.serverSyncVersion, 42);
      assert.equal(test.replicaSyncVersion, 36);
    } finally {
      future.close();
      await world.server.close();
      await world.client.replica.close();
    }
  });

  it('Test Sync against an upgraded server reports both versions and that the next sync migrates', async () => {
    const world = await buildWorld(dirs, 36);
    await world.server.close();
    const server = await startServer(dirs, { dataDir: world.serverDir, syncVersion: 39 });
    try {
      const test = await engineFor(world.client.replica, server.url).testSync({ startSync: false });
      assert.equal(test.ok, true, test.message);
      assert.equal(test.serverSyncVersion, 39);
      assert.equal(test.replicaSyncVersion, 36);
      assert.match(test.steps.find((s) => s.name === 'version')!.detail, /next sync migrates the replica to 39/);
      assert.equal(world.client.replica.syncVersion, 36, 'Test Sync itself writes nothing');
    } finally {
      await server.close();
      await world.client.replica.close();
    }
  });

  it('our server refuses to serve a document at an older version than it holds', async () => {
    const dir = await dirs.make('trilium-upgrade-server-');
    const s = await startServer(dirs, { dataDir: dir, syncVersion: 39 });
    await s.close();
    await assert.rejects(startServer(dirs, { dataDir: dir, syncVersion: 36 }), (e: unknown) =>
      isTriliumError(e, 'UNSUPPORTED_VERSION') && /at sync version 39.*cannot be served as version 36/.test(e.message));
    const again = await startServer(dirs, { dataDir: dir, syncVersion: 39 });
    assert.equal(again.replica!.syncVersion, 39);
    await again.close();
  });
});
