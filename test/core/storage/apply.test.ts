// applyRecords: every rule of SYNC-PROTOCOL.md §7 on a replica, plus schema gating and pull paging (§4.3).
import { strict as assert } from 'node:assert';
import { createReplica, getProfile, hashedBlobId, type Replica } from '../../../src/storage';
import type { EntityChange, Row, SyncRecord } from '../../../src/storage/types';
import { isTriliumError } from '../../../src/sync/errors';
import { changesOf, cleanupDirs, maxChangeId, newDoc, pullAll, rawAll, tempDir, TestClock } from './helpers';

const SENDER = 'senderInst01';
let seq = 0;
function ec(entityName: string, entityId: string, over: Partial<EntityChange> = {}): EntityChange {
  return {
    id: ++seq, entityName, entityId, hash: `h${seq}`, isErased: 0, changeId: `chg${String(seq).padStart(9, '0')}`, componentId: 'NA',
    instanceId: 'someoneElse1', isSynced: 1, utcDateChanged: '2026-11-24 10:00:00.000Z', ...over,
  };
}
function noteRow(noteId: string, over: Row = {}): Row {
  return {
    noteId, title: 'T', isProtected: 0, type: 'text', mime: 'text/html', blobId: hashedBlobId(''), isDeleted: 0, deleteId: null,
    dateCreated: '2026-11-24 11:00:00.000+0100', dateModified: '2026-11-24 11:00:00.000+0100',
    utcDateCreated: '2026-11-24 10:00:00.000Z', utcDateModified: '2026-11-24 10:00:00.000Z', ...over,
  };
}
const noteRec = (noteId: string, over: Row = {}, ecOver: Partial<EntityChange> = {}): SyncRecord =>
  ({ entityChange: ec('notes', noteId, { utcDateChanged: String(over.utcDateModified ?? '2026-11-24 10:00:00.000Z'), ...ecOver }), entity: noteRow(noteId, over) });

describe('storage: applying sync records (§7)', function () {
  this.timeout(180_000);
  let r: Replica;
  beforeEach(async () => { r = await newDoc(39, new TestClock()); });
  afterEach(async () => { await r.close(); });
  after(cleanupDirs);

  it('inserts rows, stores the change with the sender\'s instanceId and coerces 0/1', async () => {
    const rec = noteRec('remoteNote01', {}, { isSynced: true as unknown as 1, isErased: false as unknown as 0 });
    const res = await r.applyRecords([rec], { senderInstanceId: SENDER });
    assert.deepEqual([res.applied, res.skipped, res.bounced], [1, 0, 0]);
    assert.equal((await r.getNote('remoteNote01'))!.title, 'T');
    const [stored] = await changesOf(r.dataDir, 'notes', 'remoteNote01');
    assert.deepEqual([stored.instanceId, stored.changeId, stored.hash, stored.isSynced, stored.isErased],
      [SENDER, rec.entityChange.changeId, rec.entityChange.hash, 1, 0]);
    assert.ok(res.change.noteIds.has('remoteNote01'));
    assert.equal(res.change.origin, 'sync');
  });

  it('skips a changeId already applied, and options without a row', async () => {
    const rec = noteRec('remoteNote02');
    await r.applyRecords([rec], { senderInstanceId: SENDER });
    const again = await r.applyRecords([{ ...rec, entity: { ...rec.entity!, title: 'changed' } }], { senderInstanceId: SENDER });
    assert.deepEqual([again.applied, again.skipped], [0, 1]);
    assert.equal((await r.getNote('remoteNote02'))!.title, 'T');
    const opt = await r.applyRecords([{ entityChange: ec('options', 'someLocalOption') }], { senderInstanceId: SENDER });
    assert.deepEqual([opt.applied, opt.skipped], [0, 1]);
    assert.equal((await changesOf(r.dataDir, 'options', 'someLocalOption')).length, 0);
  });

  it('note_reordering sets positions unconditionally', async () => {
    const a = await r.createNote({ parentNoteId: 'root', title: 'a' });
    const b = await r.createNote({ parentNoteId: 'root', title: 'b' });
    const res = await r.applyRecords([{ entityChange: ec('note_reordering', 'root', { hash: 'N/A', utcDateChanged: '2000-01-01 00:00:00.000Z' }),
      entity: { [a.branchId]: 50, [b.branchId]: 40 } }], { senderInstanceId: SENDER });
    assert.equal(res.applied, 1);
    assert.deepEqual((await r.getChildren('root')).map((c) => c.title), ['b', 'a']);
    assert.ok(res.change.parentNoteIds.has('root'));
  });

  it('remote wins on an equal or later utcDateChanged (string compare); a newer local change bounces with a new changeId', async () => {
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'local' });
    const [local] = await changesOf(r.dataDir, 'notes', noteId);
    // older remote: local is kept and re-broadcast
    const older = noteRec(noteId, { title: 'older remote', utcDateModified: '2026-01-01 00:00:00.000Z' });
    const res1 = await r.applyRecords([older], { senderInstanceId: SENDER });
    assert.deepEqual([res1.applied, res1.bounced], [0, 1]);
    assert.equal((await r.getNote(noteId))!.title, 'local');
    const [bounced] = await changesOf(r.dataDir, 'notes', noteId);
    assert.ok(bounced.id > local.id);
    assert.notEqual(bounced.changeId, local.changeId);
    assert.deepEqual([bounced.instanceId, bounced.hash, bounced.utcDateChanged], [r.instanceId, local.hash, local.utcDateChanged]);
    // equal timestamp: remote wins (ties go to the remote)
    const tie = noteRec(noteId, { title: 'tie remote', utcDateModified: local.utcDateChanged });
    const res2 = await r.applyRecords([tie], { senderInstanceId: SENDER });
    assert.equal(res2.applied, 1);
    assert.equal((await r.getNote(noteId))!.title, 'tie remote');
    // identical content and older: nothing happens
    const [cur] = await changesOf(r.dataDir, 'notes', noteId);
    const same = noteRec(noteId, { title: 'tie remote' }, { hash: cur.hash, utcDateChanged: '2000-01-01 00:00:00.000Z' });
    const res3 = await r.applyRecords([same], { senderInstanceId: SENDER });
    assert.deepEqual([res3.applied, res3.bounced, res3.skipped], [0, 0, 1]);
    assert.equal((await changesOf(r.dataDir, 'notes', noteId))[0].id, cur.id);
  });

  it('blob content arrives as base64 and is stored as bytes; empty becomes ""', async () => {
    const content = Buffer.from('<p>héllo</p>');
    const blobId = hashedBlobId(content);
    const emptyId = 'emptyBlobIdxxxxxxxxx';
    await r.applyRecords([
      { entityChange: ec('blobs', blobId), entity: { blobId, content: content.toString('base64'), dateModified: 'd', utcDateModified: 'u' } },
      { entityChange: ec('blobs', emptyId), entity: { blobId: emptyId, content: '', dateModified: 'd', utcDateModified: 'u' } },
      noteRec('blobNote0001', { blobId }),
    ], { senderInstanceId: SENDER });
    const [row] = await rawAll(r.dataDir, 'SELECT content, typeof(content) AS t FROM blobs WHERE blobId = ?', [blobId]);
    assert.equal(row.t, 'blob');
    assert.deepEqual(row.content, content);
    assert.equal(await r.getNoteContent('blobNote0001'), '<p>héllo</p>');
    const [empty] = await rawAll(r.dataDir, 'SELECT content, typeof(content) AS t FROM blobs WHERE blobId = ?', [emptyId]);
    assert.deepEqual([empty.t, empty.content], ['text', '']);
  });

  it('erase deletes rows of the six tables only, and keeps the change as a tombstone', async () => {
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'to erase' });
    await r.setOption('someSynced', 'v', true);
    const res = await r.applyRecords([
      { entityChange: ec('notes', noteId, { isErased: 1, utcDateChanged: '2030-01-01 00:00:00.000Z' }) },
      { entityChange: ec('options', 'someSynced', { isErased: 1, utcDateChanged: '2030-01-01 00:00:00.000Z' }), entity: { name: 'someSynced', value: 'v', isSynced: 1, utcDateModified: 'x' } },
    ], { senderInstanceId: SENDER });
    assert.equal(res.applied, 2);
    assert.equal(await r.getNote(noteId), null);
    assert.equal(await r.getOption('someSynced'), 'v', 'options are not erased');
    const [tomb] = await changesOf(r.dataDir, 'notes', noteId);
    assert.equal(tomb.isErased, 1);
  });

  it('a column or entity the profile lacks is a SCHEMA_MISMATCH naming both versions, and nothing is written', async () => {
    const before = await maxChangeId(r.dataDir);
    const ok = noteRec('fine00000001');
    await assert.rejects(r.applyRecords([ok, { entityChange: ec('note_embeddings', 'x'), entity: { x: 1 } }], { senderInstanceId: SENDER, senderSyncVersion: 35 }),
      (e: unknown) => isTriliumError(e, 'SCHEMA_MISMATCH') && /note_embeddings/.test(e.message) && /39/.test(e.message) && /35/.test(e.message));
    const old = await createReplica(tempDir(), { syncVersion: 36, kind: 'newDocument' });
    const blob = { entityChange: ec('blobs', 'b'), entity: { blobId: 'b', content: '', dateModified: 'd', utcDateModified: 'u', textRepresentation: null } };
    await assert.rejects(old.applyRecords([noteRec('fine00000002'), blob], { senderInstanceId: SENDER }),
      (e: unknown) => isTriliumError(e, 'SCHEMA_MISMATCH') && e.message.includes('blobs.textRepresentation') && e.message.includes('36')
        && e.message.includes('38'));
    assert.equal(await old.getNote('fine00000002'), null);
    await old.close();
    assert.equal(await maxChangeId(r.dataDir), before);
    assert.equal(await r.getNote('fine00000001'), null);
  });

  it('the whole batch and its cursor are one transaction', async () => {
    const bad: SyncRecord = { entityChange: ec('notes', 'broken000001') }; // no row and not erased
    delete (bad as { entity?: Row }).entity;
    await assert.rejects(r.applyRecords([noteRec('good00000001'), bad], { senderInstanceId: SENDER }, { name: 'lastSyncedPull', value: 77 }),
      (e: unknown) => isTriliumError(e, 'PROTOCOL'));
    assert.equal(await r.getNote('good00000001'), null);
    assert.equal(await r.getCursor('lastSyncedPull'), 0);
    await r.applyRecords([noteRec('good00000001')], { senderInstanceId: SENDER }, { name: 'lastSyncedPull', value: 78 });
    assert.equal(await r.getCursor('lastSyncedPull'), 78);
  });

  it('getChangedForPull: 1000-row batches, skips the requester, moves past skipped rows, caps ~1 MB', async () => {
    const server = r;
    const client = await createReplica(tempDir(), { syncVersion: 39, kind: 'empty' });
    const big = 'x'.repeat(300_000);
    for (let i = 0; i < 4; i++) await server.createNote({ parentNoteId: 'root', title: `big${i}`, content: big + i });
    const first = await server.getChangedForPull(0, client.instanceId);
    const size = JSON.stringify(first.entityChanges).length;
    assert.ok(size > 1_000_000 && size < 1_500_000, `first page crosses 1 MB by one record: ${size}`);
    assert.ok(first.outstandingPullCount > 0);
    assert.equal(first.lastEntityChangeId, first.entityChanges[first.entityChanges.length - 1].entityChange.id);
    // rows made by the requester are not sent, but the cursor moves past them
    const max = await server.maxSyncedEntityChangeId();
    const own = await server.getChangedForPull(max - 3, server.instanceId);
    assert.equal(own.entityChanges.length, 0);
    assert.equal(own.lastEntityChangeId, max);
    assert.equal(own.outstandingPullCount, 0);
    await pullAll(server, client);
    assert.equal((await client.getNoteContent((await client.getChildren('root'))[3].noteId)), big + 3);
    assert.deepEqual(await client.sectorHashes(), await server.sectorHashes());
    await client.close();
  });
});
