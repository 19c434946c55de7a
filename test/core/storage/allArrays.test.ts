// Connection.allArrays: rows as arrays of column values on node:sqlite (where StatementSync.setReturnArrays exists),
// absent on @vscode/sqlite3, whose callers pack large listings into one JSON text instead.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { chooseDriver, openConnection, type Connection } from '../../../src/storage/db';
import { cleanupDirs, tempDir } from './helpers';

describe('storage: rows as arrays', () => {
  let c: Connection;
  beforeEach(async () => {
    c = await openConnection(path.join(tempDir(), 'arrays.db'), { create: true });
    await c.exec("CREATE TABLE t (a TEXT, b INTEGER, c BLOB, d REAL); INSERT INTO t VALUES ('x', 1, x'0102', 0.5), ('y', NULL, NULL, 2.5)");
  });
  afterEach(async () => { await c.close(); });
  after(cleanupDirs);

  const hasSetReturnArrays = (() => {
    try {
      const m = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite') as
        { DatabaseSync: new (f: string) => { prepare(s: string): { setReturnArrays?: unknown } } } | undefined;
      return !!m && typeof new m.DatabaseSync(':memory:').prepare('SELECT 1').setReturnArrays === 'function';
    } catch {
      return false;
    }
  })();
  const arraysHere = chooseDriver() === 'node:sqlite' && hasSetReturnArrays;

  it('node:sqlite with setReturnArrays has it; other drivers do not', () => {
    assert.equal(typeof c.allArrays === 'function', c.driver.name === 'node:sqlite' && hasSetReturnArrays);
  });

  if (!arraysHere) return;

  it('gives each row as an array in column order, BLOBs as Buffers; the same SQL through all() still gives objects', async () => {
    const sql = 'SELECT a, b, c, d FROM t WHERE d > ? ORDER BY a';
    const rows = await c.allArrays!(sql, [0]);
    assert.deepEqual(rows, [['x', 1, Buffer.from([1, 2]), 0.5], ['y', null, null, 2.5]]);
    assert.ok(Buffer.isBuffer(rows[0][2]));
    assert.deepEqual(await c.all(sql, [0]), [{ a: 'x', b: 1, c: Buffer.from([1, 2]), d: 0.5 }, { a: 'y', b: null, c: null, d: 2.5 }]);
    assert.deepEqual(await c.allArrays!(sql, [1]), [['y', null, null, 2.5]], 'the cached array statement binds anew');
  });
});
