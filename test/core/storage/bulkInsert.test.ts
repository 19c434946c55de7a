// The bulk INSERT through json_each (constant columns bound once, binary values as slices of one BLOB) stores
// exactly what one bound parameter per value stores in columns declared like Trilium's: same values, same types.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { appendRows, insertJsonRows, insertRows, jsonInsert, openConnection, Pipeline, replaceRows, type Connection } from '../../../src/storage/db';
import { createReplica, openReplica } from '../../../src/storage';
import type { SqlValue } from '../../../src/storage/types';
import { cleanupDirs, rawAll, tempDir } from './helpers';

const COLS = ['k', 'a', 'b', 'c'];

async function memoryDb(): Promise<Connection> {
  const c = await openConnection(':memory:', { create: true });
  await c.exec('CREATE TABLE viaJson (k INTEGER PRIMARY KEY, a TEXT, b INTEGER, c); CREATE TABLE viaParams (k INTEGER PRIMARY KEY, a TEXT, b INTEGER, c)');
  return c;
}

async function storedBothWays(rows: SqlValue[][]): Promise<{ json: unknown[]; params: unknown[] }> {
  const c = await memoryDb();
  await insertJsonRows(c, 'INSERT', 'viaJson', COLS, rows);
  // the reference: one plain statement per row, each value bound on its own
  for (const row of rows) await c.run(`INSERT INTO viaParams (${COLS.join(',')}) VALUES (?, ?, ?, ?)`, row);
  const read = (t: string) => c.all(`SELECT k, a, typeof(a) AS ta, b, typeof(b) AS tb, c, typeof(c) AS tc FROM ${t} ORDER BY k`);
  const out = { json: await read('viaJson'), params: await read('viaParams') };
  await c.close();
  return out;
}

describe('storage: bulk insert through json_each', () => {
  after(cleanupDirs);

  it('binds a column that is the same in every row once, and sends only the varying ones as JSON', () => {
    const st = jsonInsert('INSERT', 't', COLS, [[1, 'same', 0, 'x'], [2, 'same', 0, 'y']])!;
    assert.match(st.sql, /SELECT value ->> 0, \?2, \?3, value ->> 1 FROM json_each\(\?1\)/);
    assert.deepEqual(JSON.parse(st.params[0] as string), [[1, 'x'], [2, 'y']]);
    assert.deepEqual(st.params.slice(1), ['same', 0]);
  });

  it('does not bind numbers the driver would turn into REAL, nor booleans', () => {
    const yes = true as unknown as SqlValue; // rows parsed from JSON may hold booleans
    const st = jsonInsert('INSERT', 't', COLS, [[1, 2 ** 40, 1.5, yes], [2, 2 ** 40, 1.5, yes]])!;
    assert.match(st.sql, /SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM/);
  });

  it('stores the same values and types as bound parameters: text, integers, reals, nulls, quotes, unicode', async () => {
    const rows: SqlValue[][] = [
      [1, 'it\'s "quoted" \\ back', 2 ** 40, null],
      [2, 'Zürich ✓ 𝄞 emoji 🎉', -7, 1.25],
      [3, '', 0, 'x'],
      [4, ' trailing space ', 2147483647, null],
    ];
    const { json, params } = await storedBothWays(rows);
    assert.deepEqual(json, params);
    assert.equal((json[0] as { tb: string }).tb, 'integer');
    assert.equal((json[1] as { tc: string }).tc, 'real');
  });

  it('stores constant columns with the same types as bound parameters', async () => {
    const rows: SqlValue[][] = [[1, 'same', 5, null], [2, 'same', 5, null], [3, 'same', 5, null]];
    const { json, params } = await storedBothWays(rows);
    assert.deepEqual(json, params);
  });

  it('sends binary values as slices of one BLOB, empty strings staying text, byte for byte', async () => {
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 256;
    const rows: SqlValue[][] = [
      [1, Buffer.from([0, 1, 2, 255]), 'x', null],
      [2, '', 'y', null],
      [3, big, 'z', null],
      [4, Buffer.alloc(0), 'w', null],
      [5, Buffer.from('<p>text as bytes</p>'), 'v', null],
    ];
    const st = jsonInsert('INSERT', 'viaJson', COLS, rows)!;
    assert.ok(Buffer.isBuffer(st.params[1]), 'the contents travel as one bound BLOB');
    const c = await memoryDb();
    await insertJsonRows(c, 'INSERT', 'viaJson', COLS, rows);
    await insertRows(c, 'INSERT', 'viaParams', COLS, rows);
    const a = await c.all<{ k: number; a: Buffer | string; t: string }>('SELECT k, a, typeof(a) AS t FROM viaJson ORDER BY k');
    const b = await c.all<{ k: number; a: Buffer | string; t: string }>('SELECT k, a, typeof(a) AS t FROM viaParams ORDER BY k');
    assert.deepEqual(a.map((r) => r.t), b.map((r) => r.t));
    assert.deepEqual(a.map((r) => r.t), ['blob', 'text', 'blob', 'blob', 'blob']);
    for (let i = 0; i < a.length; i++) assert.ok(Buffer.from(a[i].a as Buffer).equals(Buffer.from(b[i].a as Buffer)), `row ${a[i].k}`);
    await c.close();
  });

  it('falls back to bound parameters when a column mixes binary values with other values', async () => {
    const rows: SqlValue[][] = [[1, Buffer.from([9, 9]), 'x', null], [2, 'plain text', 'y', null], [3, null, 'z', null]];
    assert.equal(jsonInsert('INSERT', 'viaJson', COLS, rows), null);
    const { json, params } = await storedBothWays(rows);
    assert.deepEqual(json, params);
  });

  it('splits more rows than one statement takes and keeps them all', async () => {
    const rows: SqlValue[][] = [];
    for (let i = 1; i <= 45_001; i++) rows.push([i, `v${i % 3}`, i % 2, i === 45_001 ? 'last' : null]);
    const c = await memoryDb();
    await insertJsonRows(c, 'INSERT', 'viaJson', COLS, rows);
    const [n] = await c.all<{ n: number; s: number; l: string }>(
      "SELECT COUNT(*) AS n, SUM(b) AS s, (SELECT c FROM viaJson WHERE k = 45001) AS l FROM viaJson");
    assert.deepEqual(n, { n: 45_001, s: 22_501, l: 'last' });
    await c.close();
  });

  it('creates new replicas with 16 KiB pages and drops the retired isSynced index of older ones', async () => {
    const dir = tempDir();
    const r = await createReplica(dir, { syncVersion: 39, kind: 'newDocument' });
    await r.close();
    const [ps] = await rawAll(dir, 'PRAGMA page_size');
    assert.equal(ps.page_size, 16384);
    const db = await openConnection(path.join(dir, 'document.db'), { create: false });
    await db.run('CREATE INDEX IDX_entity_changes_isSynced_id ON entity_changes (isSynced, id)');
    await db.close();
    const again = await openReplica(dir);
    assert.ok((await again.maxSyncedEntityChangeId()) > 0);
    await again.close();
    const left = await rawAll(dir, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'IDX_entity_changes_isSynced_id'");
    assert.equal(left.length, 0);
  });

  it('stores many rows whose columns are partly the same in every row as per-row binding does (wide statements)', async () => {
    const yes = true as unknown as SqlValue;
    const rows: SqlValue[][] = [];
    for (let i = 1; i <= 203; i++) rows.push([i, i % 7 === 0 ? 'sometimes' : 'same', 5, i % 2 ? null : 1.5]);
    const constantOfEveryKind: SqlValue[][] = [];
    for (let i = 1; i <= 70; i++) constantOfEveryKind.push([i, null, yes, 'x']);
    for (const set of [rows, constantOfEveryKind]) {
      const { json, params } = await storedBothWays(set);
      assert.equal(json.length, set.length);
      assert.deepEqual(json, params);
    }
  });

  describe('replaceRows and appendRows (no statement journal)', () => {
    const DDL = 'CREATE TABLE t (k TEXT PRIMARY KEY, a TEXT NOT NULL, b INTEGER NOT NULL); CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT NOT NULL, y INTEGER NOT NULL)';
    const sinks: Array<[string, (c: Connection) => { sink: Connection | Pipeline; done: () => Promise<void> }]> = [
      ['a connection', (c) => ({ sink: c, done: async () => undefined })],
      ['a pipeline', (c) => { const p = new Pipeline(c); return { sink: p, done: () => p.done() }; }],
    ];
    for (const [name, make] of sinks) {
      it(`through ${name}: a later row replaces an earlier one with the same key, in one call and across calls`, async () => {
        const c = await openConnection(':memory:', { create: true });
        await c.exec(DDL);
        const { sink, done } = make(c);
        const first: SqlValue[][] = [];
        for (let i = 0; i < 100; i++) first.push([`k${String(i).padStart(3, '0')}`, 'first', i]);
        await replaceRows(sink, 't', ['k', 'a', 'b'], first);
        // k050 twice in one call (the later one wins), k010 already stored, k200 new
        await replaceRows(sink, 't', ['k', 'a', 'b'], [['k010', 'second', -10], ['k050', 'second', -50], ['k050', 'third', -51], ['k200', 'new', 200]]);
        await done();
        const rows = await c.all<{ k: string; a: string; b: number }>('SELECT k, a, b FROM t ORDER BY k');
        assert.equal(rows.length, 101);
        assert.deepEqual(rows.find((r) => r.k === 'k010'), { k: 'k010', a: 'second', b: -10 });
        assert.deepEqual(rows.find((r) => r.k === 'k050'), { k: 'k050', a: 'third', b: -51 });
        assert.deepEqual(rows.find((r) => r.k === 'k200'), { k: 'k200', a: 'new', b: 200 });
        assert.deepEqual(rows.find((r) => r.k === 'k099'), { k: 'k099', a: 'first', b: 99 });
        await c.close();
      });

      it(`through ${name}: a missing NOT NULL value fails as INSERT OR REPLACE does, and appendRows reports a left-out row`, async () => {
        const c = await openConnection(':memory:', { create: true });
        await c.exec(DDL);
        const many = (bad: number): SqlValue[][] => Array.from({ length: 40 }, (_, i) => [`k${i}`, i === bad ? null : 'v', i]);
        let { sink, done } = make(c);
        await assert.rejects(async () => { await replaceRows(sink, 't', ['k', 'a', 'b'], many(33)); await done(); },
          (e: { code?: string; message: string }) => String(e.code).startsWith('SQLITE_CONSTRAINT') && /NOT NULL/.test(e.message));
        ({ sink, done } = make(c));
        const rows: SqlValue[][] = Array.from({ length: 40 }, (_, i) => [`x${i}`, i === 7 ? null : i]);
        await assert.rejects(async () => { await appendRows(sink, 'log', ['x', 'y'], rows, () => new Error('left out')); await done(); }, /left out/);
        ({ sink, done } = make(c));
        await appendRows(sink, 'log', ['x', 'y'], rows.map((r, i) => [r[0], i]), () => new Error('left out'));
        await done();
        const [n] = await c.all<{ n: number }>('SELECT COUNT(*) AS n FROM log WHERE x LIKE \'x%\'');
        assert.equal(n.n, 40 + 39, 'the rejected call wrote the 39 complete rows; the caller rolls back its transaction');
        await c.close();
      });
    }
  });
});

