import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { createReplica } from '../../../src/storage';
import { TRANSFER_MIN_BYTES, transferablesOf } from '../../../src/storage/transferables';
import type { SyncRecord } from '../../../src/storage/types';

describe('storage: moving large Buffers across the worker boundary', () => {
  it('moves a huge blob of an applyRecords call instead of copying it, and leaves small values alone', async () => {
    const big = randomBytes(TRANSFER_MIN_BYTES + 1);
    const copy = Buffer.from(big);
    const small = Buffer.from('small');
    const records: SyncRecord[] = [
      { entityChange: { id: 1, entityName: 'blobs', entityId: 'b1', hash: 'h', isErased: 0, changeId: 'c', componentId: 'NA', instanceId: 'i', isSynced: 1, utcDateChanged: 'u' }, entity: { blobId: 'b1', content: big } },
      { entityChange: { id: 2, entityName: 'blobs', entityId: 'b2', hash: 'h', isErased: 0, changeId: 'd', componentId: 'NA', instanceId: 'i', isSynced: 1, utcDateChanged: 'u' }, entity: { blobId: 'b2', content: small } },
    ];
    const message = { type: 'call', id: 1, method: 'applyRecords', args: [records, { senderInstanceId: 'srv' }] };
    const transfer = transferablesOf(message);
    assert.deepEqual(transfer, [big.buffer]);

    const { port1, port2 } = new MessageChannel();
    const received = new Promise<typeof message>((resolve) => port2.once('message', resolve));
    port1.postMessage(message, transfer);
    const got = await received;
    port1.close();
    const [gotRecords] = got.args as [SyncRecord[]];
    assert.ok(Buffer.from(gotRecords[0].entity!.content as Uint8Array).equals(copy));
    assert.equal(Buffer.from(gotRecords[1].entity!.content as Uint8Array).toString(), 'small');
    assert.equal(big.byteLength, 0, 'moved: the sender no longer holds the bytes');
    assert.equal(small.toString(), 'small');
  });

  it('stores a blob that arrives as a plain Uint8Array (a Buffer after a worker hop), in the initial load and after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trilium-transfer-'));
    try {
      const server = await createReplica(join(dir, 's'), { syncVersion: 39, kind: 'newDocument' });
      const client = await createReplica(join(dir, 'c'), { syncVersion: 39, kind: 'empty' });
      const hop = (records: SyncRecord[]) => records.map((r) => (Buffer.isBuffer(r.entity?.content)
        ? { ...r, entity: { ...r.entity, content: new Uint8Array(r.entity!.content as Buffer) as Buffer } } : r));
      const first = randomBytes(TRANSFER_MIN_BYTES * 2);
      const { noteId } = await server.createNote({ parentNoteId: 'root', title: 'f', type: 'file', mime: 'application/octet-stream', content: first });
      let cursor = 0;
      const pullAll = async () => {
        let buffers = 0;
        for (;;) {
          const page = await server.getChangedForPull(cursor, client.instanceId);
          if (page.entityChanges.length === 0) return buffers;
          buffers += page.entityChanges.filter((r) => Buffer.isBuffer(r.entity?.content)).length;
          await client.applyRecords(hop(page.entityChanges), { senderInstanceId: server.instanceId });
          cursor = page.lastEntityChangeId;
        }
      };
      assert.equal(await pullAll(), 1, 'a large blob travels as a Buffer');
      assert.ok(first.equals((await client.getNoteContent(noteId)) as Buffer));
      await client.finishBulkLoad();
      const second = randomBytes(TRANSFER_MIN_BYTES * 2);
      await server.setNoteContent(noteId, second);
      assert.equal(await pullAll(), 1);
      assert.ok(second.equals((await client.getNoteContent(noteId)) as Buffer));
      assert.deepEqual((await client.verifyHashes()).mismatches, []);
      await server.close();
      await client.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
