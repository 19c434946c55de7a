// A replica written by one SQLite driver is opened, verified and synced by the other, both ways. Only a Node with
// both drivers (node:sqlite is Node ≥ 22.13) can run it; elsewhere the suite is not defined, so nothing is counted.
import { strict as assert } from 'node:assert';
import { openReplica } from '../../../src/storage';
import type { DriverName } from '../../../src/storage/driver/connection';
import { loadNodeSqlite } from '../../../src/storage/driver/nodeSqlite';
import { engineFor, newClient, snapshot, startServer, TempDirs } from '../sync/helpers';
import { rawAll } from './helpers';

const ENV: Record<DriverName, string> = { 'node:sqlite': 'node-sqlite', '@vscode/sqlite3': 'vscode-sqlite3' };

if (loadNodeSqlite()) {
  describe('storage: replicas across the two SQLite drivers', function () {
    this.timeout(180_000);
    const dirs = new TempDirs();
    const forced = process.env.TRILIUM_SQLITE_DRIVER;
    const use = (driver: DriverName) => { process.env.TRILIUM_SQLITE_DRIVER = ENV[driver]; };
    afterEach(() => {
      if (forced === undefined) delete process.env.TRILIUM_SQLITE_DRIVER;
      else process.env.TRILIUM_SQLITE_DRIVER = forced;
    });
    after(() => dirs.cleanup());

    for (const [first, second] of [['@vscode/sqlite3', 'node:sqlite'], ['node:sqlite', '@vscode/sqlite3']] as Array<[DriverName, DriverName]>) {
      it(`made by ${first}: opened, verified, edited and synced by ${second}`, async () => {
        const server = await startServer(dirs);
        try {
          use(first);
          const client = await newClient(dirs, server);
          assert.equal(client.replica.driver.name, first);
          const { noteId } = await client.replica.createNote({ parentNoteId: 'root', title: `by ${first}`, type: 'file', mime: 'application/octet-stream', content: Buffer.from([0, 1, 2, 255]) });
          await client.replica.addAttribute(noteId, 'label', 'madeBy', first);
          assert.equal((await client.engine.sync()).hashCheck, 'passed');
          const before = await snapshot(client.replica);
          await client.replica.close();

          use(second);
          const reopened = await openReplica(client.dataDir);
          assert.equal(reopened.driver.name, second);
          assert.equal(await snapshot(reopened), before);
          const verified = await reopened.verifyHashes();
          assert.ok(verified.checked > 0);
          assert.deepEqual(verified.mismatches, []);
          assert.deepEqual([...(await reopened.getNoteContent(noteId)) as Buffer], [0, 1, 2, 255]);
          await reopened.renameNote(noteId, `by ${first}, renamed by ${second}`);
          const result = await engineFor(reopened, server.url).sync();
          assert.equal(result.hashCheck, 'passed');
          assert.equal(result.pushed > 0, true);
          assert.equal((await server.replica!.getNote(noteId))!.title, `by ${first}, renamed by ${second}`);
          await reopened.close();
          const [integrity] = await rawAll(client.dataDir, 'PRAGMA integrity_check');
          assert.equal(integrity.integrity_check, 'ok');
        } finally {
          await server.close();
        }
      });
    }

    it('both drivers write the same schema and the same page size', async () => {
      const server = await startServer(dirs);
      try {
        const schemas: string[] = [];
        for (const driver of ['@vscode/sqlite3', 'node:sqlite'] as DriverName[]) {
          use(driver);
          const client = await newClient(dirs, server);
          await client.replica.close();
          const rows = await rawAll(client.dataDir, "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
          const [page] = await rawAll(client.dataDir, 'PRAGMA page_size');
          schemas.push(JSON.stringify({ rows, page }));
        }
        assert.equal(schemas[1], schemas[0]);
      } finally {
        await server.close();
      }
    });
  });
}
