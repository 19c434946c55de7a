// A blob of many megabytes goes in through the slices table: byte for byte (NULs, invalid UTF-8), as a BLOB, in the
// initial load and after it; a pulled blob's resizable memory is given back; a failed batch leaves nothing behind;
// slices are joined in the order of their keys, whatever order they were staged in.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { createReplica, type Replica } from '../../../src/storage';
import { openConnection } from '../../../src/storage/db';
import { createSlicesTable, insertJoinedSlices, LARGE_BLOB_BYTES } from '../../../src/storage/apply/largeBlobs';
import type { SyncRecord } from '../../../src/storage/types';
import { cleanupDirs, rawAll, tempDir } from './helpers';
import { awkwardBytes } from '../../shared/awkwardBytes';

/** The Buffer as the sync reader hands it over: in a resizable ArrayBuffer (src/sync/base64Decoder.ts). */
function inResizableMemory(bytes: Buffer): Buffer {
  const memory = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(bytes.length, { maxByteLength: bytes.length * 2 });
  const b = Buffer.from(memory);
  bytes.copy(b);
  return b;
}

let seq = 0;
function fileNote(noteId: string, blobId: string, content: Buffer | string): SyncRecord[] {
  const base = { isErased: 0 as const, componentId: 'NA', instanceId: 'srv', isSynced: 1 as const, utcDateChanged: '2026-11-24 10:00:00.000Z' };
  return [
    { entityChange: { ...base, id: ++seq, entityName: 'blobs', entityId: blobId, hash: 'h', changeId: `blob${seq}` },
      entity: { blobId, content, dateModified: 'd', utcDateModified: 'u' } },
    { entityChange: { ...base, id: ++seq, entityName: 'notes', entityId: noteId, hash: 'h', changeId: `note${seq}` },
      entity: { noteId, title: 'video.bin', isProtected: 0, type: 'file', mime: 'application/octet-stream', blobId, isDeleted: 0,
        deleteId: null, dateCreated: 'd', dateModified: 'd', utcDateCreated: 'u', utcDateModified: 'u' } },
  ];
}

async function stored(r: Replica, dir: string, noteId: string, blobId: string): Promise<{ type: unknown; bytes: Buffer }> {
  const [row] = await rawAll(dir, 'SELECT typeof(content) AS type FROM blobs WHERE blobId = ?', [blobId]);
  return { type: row?.type, bytes: (await r.getNoteContent(noteId)) as Buffer };
}

describe('storage: large blobs', function () {
  this.timeout(120_000);
  after(cleanupDirs);
  const size = LARGE_BLOB_BYTES + 12_345;

  it('stores a large blob byte for byte as a BLOB, in the initial load and after it, and gives a resizable Buffer\'s memory back', async () => {
    const dir = tempDir();
    const r = await createReplica(dir, { syncVersion: 39, kind: 'empty' });
    try {
      const first = awkwardBytes(size);
      const pulled = inResizableMemory(first);
      await r.applyRecords(fileNote('n1', 'b1', pulled), { senderInstanceId: 'srv' });
      assert.equal(pulled.byteLength, 0, 'the pulled Buffer was consumed');
      let s = await stored(r, dir, 'n1', 'b1');
      assert.equal(s.type, 'blob');
      assert.ok(s.bytes.equals(first), 'initial load: byte for byte');

      await r.finishBulkLoad();
      const second = awkwardBytes(size + 1);
      await r.applyRecords(fileNote('n1', 'b2', inResizableMemory(second)), { senderInstanceId: 'srv' });
      s = await stored(r, dir, 'n1', 'b2');
      assert.equal(s.type, 'blob');
      assert.ok(s.bytes.equals(second), 'later sync: byte for byte');

      const plain = awkwardBytes(size + 2); // an ordinary Buffer is written the same way and left as it is
      await r.applyRecords(fileNote('n2', 'b3', plain), { senderInstanceId: 'srv' });
      assert.equal(plain.length, size + 2);
      assert.ok((await stored(r, dir, 'n2', 'b3')).bytes.equals(plain));
      const [left] = await rawAll(dir, "SELECT COUNT(*) AS n FROM blobs WHERE typeof(content) = 'text' AND length(content) > 1000000");
      assert.equal(left.n, 0);
    } finally {
      await r.close();
    }
  });

  it('a batch that fails after its large blob was written leaves neither the blob nor its slices', async () => {
    const dir = tempDir();
    const r = await createReplica(dir, { syncVersion: 39, kind: 'empty' });
    try {
      const records = fileNote('n1', 'b1', awkwardBytes(size));
      records[1].entityChange = { ...records[1].entityChange, changeId: null as unknown as string }; // NOT NULL in entity_changes
      await assert.rejects(r.applyRecords(records, { senderInstanceId: 'srv' }));
      assert.deepEqual(await rawAll(dir, 'SELECT blobId FROM blobs'), []);
      const ok = awkwardBytes(size);
      await r.applyRecords(fileNote('n1', 'b1', ok), { senderInstanceId: 'srv' });
      assert.ok((await stored(r, dir, 'n1', 'b1')).bytes.equals(ok), 'the slices table starts empty again');
    } finally {
      await r.close();
    }
  });

  it('joins slices in the order of their keys, not the order they were staged in', async () => {
    const dir = tempDir();
    const c = await openConnection(path.join(dir, 'slices.db'), { create: true });
    try {
      await c.exec('CREATE TABLE blobs (blobId TEXT PRIMARY KEY, content BLOB); PRAGMA main.cache_size = -3000');
      // slices larger than a page (overflow pages), staged last first and then shuffled
      const slice = 5000;
      const bytes = awkwardBytes(41 * slice + 17);
      const keys = Array.from({ length: Math.ceil(bytes.length / slice) }, (_, n) => n).reverse();
      for (let i = keys.length - 1; i > 0; i -= 3) [keys[i], keys[i - 1]] = [keys[i - 1], keys[i]];
      await createSlicesTable(c);
      for (const n of keys) await c.run('INSERT INTO temp.blob_slices (n, slice) VALUES (?, ?)', [n, bytes.subarray(n * slice, (n + 1) * slice)]);
      await insertJoinedSlices(c, 'INSERT OR REPLACE', 'blobs', ['blobId', 'content'], ['b1', null], 1);
      const row = await c.get<{ type: string; content: Buffer }>("SELECT typeof(content) AS type, content FROM blobs WHERE blobId = 'b1'");
      assert.equal(row?.type, 'blob');
      assert.ok(row.content.equals(bytes), 'byte for byte, in key order');
      assert.deepEqual(await c.all('SELECT n FROM temp.blob_slices'), [], 'the slices are gone');
      assert.equal((await c.get<{ cache_size: number }>('PRAGMA main.cache_size'))?.cache_size, -3000, 'the page cache has its size again');
    } finally {
      await c.close();
    }
  });
});
