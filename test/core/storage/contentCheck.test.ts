// Content hash check support (SYNC-PROTOCOL.md §6.4): purge, sector strings, requeue, consistency check.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { createReplica, hashedBlobId, type Replica } from '../../../src/storage';
import type { EntityChange } from '../../../src/storage/types';
import { hashSectorLines } from '../../../src/storage/contentCheck';
import { changesOf, cleanupDirs, newDoc, rawAll, rawRun, tempDir } from './helpers';

const sha1 = (s: string) => createHash('sha1').update(s).digest('base64');
let n = 0;
const ec = (entityName: string, entityId: string, hash: string, isErased = 0): EntityChange => ({
  id: ++n, entityName, entityId, hash, isErased: isErased as 0 | 1, changeId: `c${String(n).padStart(11, '0')}`, componentId: 'NA',
  instanceId: 'srv', isSynced: 1, utcDateChanged: '2026-11-24 10:00:00.000Z',
});
const note = (noteId: string, blobId: string | null = null) => ({
  noteId, title: noteId, isProtected: 0, type: 'text', mime: 'text/html', blobId, isDeleted: 0, deleteId: null,
  dateCreated: 'd', dateModified: 'd', utcDateCreated: 'u', utcDateModified: 'u',
});

describe('storage: content check', function () {
  this.timeout(180_000);
  let r: Replica;
  beforeEach(async () => { r = await createReplica(tempDir(), { syncVersion: 36, kind: 'empty' }); });
  afterEach(async () => { await r.close(); });
  after(cleanupDirs);

  it('sector hashes: sorted by entityId, hash + isErased digit per row, grouped by first char; blobs purged first', async () => {
    const used = hashedBlobId('used');
    await r.applyRecords([
      { entityChange: ec('notes', 'bNote0000001', 'HASHb1'), entity: note('bNote0000001', used) },
      { entityChange: ec('notes', 'aNote0000002', 'HASHa2'), entity: note('aNote0000002') },
      { entityChange: ec('notes', 'aNote0000001', 'HASHa1'), entity: note('aNote0000001') },
      { entityChange: ec('notes', 'Anote0000009', 'HASHA9', 1) },
      { entityChange: ec('blobs', used, 'BLOBused'), entity: { blobId: used, content: 'dXNlZA==', dateModified: 'd', utcDateModified: 'u' } },
      { entityChange: ec('blobs', 'unusedBlob0000000000', 'BLOBunused'), entity: { blobId: 'unusedBlob0000000000', content: '', dateModified: 'd', utcDateModified: 'u' } },
      { entityChange: ec('note_reordering', 'root', 'N/A'), entity: {} },
    ], { senderInstanceId: 'srv' });
    const hashes = await r.sectorHashes();
    assert.deepEqual(hashes.notes, {
      A: sha1('HASHA91'),
      a: sha1('HASHa10HASHa20'),
      b: sha1('HASHb10'),
    });
    assert.deepEqual(hashes.blobs, { [used[0]]: sha1('BLOBused0') });
    assert.equal(hashes.note_reordering, undefined);
    assert.equal((await changesOf(r.dataDir, 'blobs', 'unusedBlob0000000000')).length, 0, 'the unused blob and its change are gone');
    assert.equal(hashes.options, undefined, 'local options are not synced');
  });

  it('sector lines: each sector cut out of its run in entityId order, as a sort by entityId gives them', () => {
    const rows: Array<{ id: string; hash: string; erased: number }> = [];
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < 3000; i++) {
      const id = alphabet[Math.floor(Math.random() * alphabet.length)] + Math.random().toString(36).slice(2, 13);
      rows.push({ id, hash: Math.random().toString(36).slice(2, 12), erased: i % 7 === 0 ? 1 : 0 });
    }
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const expected: Record<string, string> = {};
    const strings = new Map<string, string>();
    for (const row of rows) strings.set(row.id[0], (strings.get(row.id[0]) ?? '') + row.hash + row.erased);
    for (const sector of [...strings.keys()].sort()) expected[sector] = sha1(strings.get(sector)!);
    assert.ok(Object.keys(expected).length > 40);
    assert.deepEqual(hashSectorLines(rows.map((r) => r.id[0] + r.hash + r.erased).join('\n')), expected);
    assert.deepEqual(hashSectorLines('aH10'), { a: sha1('H10') });
    // a sector in two runs means the rows were not in entityId order: an error, never a wrong hash
    assert.throws(() => hashSectorLines('aH10\nbH20\naH30'), /not in one run/);
  });

  it('requeueSector rewrites the sector\'s changes with new changeIds and ids; blobs take their owners along', async () => {
    const blobId = hashedBlobId('x');
    await r.applyRecords([
      { entityChange: ec('blobs', blobId, 'B'), entity: { blobId, content: 'eA==', dateModified: 'd', utcDateModified: 'u' } },
      { entityChange: ec('notes', 'zOwner000001', 'Z'), entity: note('zOwner000001', blobId) },
      { entityChange: ec('notes', 'qOther000001', 'Q'), entity: note('qOther000001') },
    ], { senderInstanceId: 'srv' });
    const before = new Map((await rawAll(r.dataDir, 'SELECT * FROM entity_changes')).map((x) => [x.entityId, x]));
    await r.requeueSector('blobs', blobId[0]);
    const after = new Map((await rawAll(r.dataDir, 'SELECT * FROM entity_changes')).map((x) => [x.entityId, x]));
    for (const id of [blobId, 'zOwner000001']) {
      const [b, a] = [before.get(id)!, after.get(id)!];
      assert.ok(Number(a.id) > Number(b.id));
      assert.notEqual(a.changeId, b.changeId);
      assert.deepEqual([a.hash, a.instanceId, a.utcDateChanged, a.isErased], [b.hash, b.instanceId, b.utcDateChanged, b.isErased]);
    }
    assert.deepEqual(after.get('qOther000001'), before.get('qOther000001'));
  });

  it('runEntityChangeChecks fills missing changes, drops orphans, deletes rows marked erased', async () => {
    const doc = await newDoc(39);
    const { noteId } = await doc.createNote({ parentNoteId: 'root', title: 'x' });
    await rawRun(doc.dataDir, "DELETE FROM entity_changes WHERE entityName = 'notes' AND entityId = ?", [noteId]);
    await rawRun(doc.dataDir, `INSERT INTO entity_changes (entityName, entityId, hash, isErased, changeId, componentId, instanceId, isSynced, utcDateChanged)
      VALUES ('attributes', 'orphan000001', 'h', 0, 'cccccccccccc', 'NA', 'i', 1, 'u')`);
    const res = await doc.runEntityChangeChecks();
    assert.deepEqual(res, { added: 1, removed: 1 });
    const [filled] = await changesOf(doc.dataDir, 'notes', noteId);
    assert.match(filled.hash, /^[A-Za-z0-9]{10}$/);
    assert.equal(filled.utcDateChanged, (await doc.getNote(noteId))!.utcDateModified);
    assert.equal((await changesOf(doc.dataDir, 'attributes', 'orphan000001')).length, 0);
    await doc.close();
  });

  it('verifyHashes finds a stored hash that does not match the row', async () => {
    const doc = await newDoc(39);
    const { noteId } = await doc.createNote({ parentNoteId: 'root', title: 'x' });
    assert.deepEqual((await doc.verifyHashes()).mismatches, []);
    await rawRun(doc.dataDir, "UPDATE entity_changes SET hash = 'wrongwrong' WHERE entityName = 'notes' AND entityId = ?", [noteId]);
    const v = await doc.verifyHashes();
    assert.equal(v.mismatches.length, 1);
    assert.deepEqual([v.mismatches[0].entityId, v.mismatches[0].stored], [noteId, 'wrongwrong']);
    await doc.close();
  });

  it('verifyHashes tells Trilium\'s own hash of a fresh attachment (unset column as "undefined") from damage', async () => {
    const doc = await newDoc(39);
    const { noteId } = await doc.createNote({ parentNoteId: 'root', title: 'with image' });
    const attachmentId = await doc.addAttachment(noteId, { role: 'image', mime: 'image/png', title: 'a.png', content: Buffer.from([1, 2, 3]) });
    const [att] = await rawAll(doc.dataDir, 'SELECT * FROM attachments WHERE attachmentId = ?', [attachmentId]);
    // As Trilium writes it when it creates the attachment: utcDateScheduledForErasureSince still undefined in memory.
    const input = `|${attachmentId}|${noteId}|image|image/png|a.png|${att.blobId}|undefined`;
    const triliums = createHash('sha1').update(input).digest('base64').slice(0, 10);
    await rawRun(doc.dataDir, "UPDATE entity_changes SET hash = ? WHERE entityName = 'attachments' AND entityId = ?", [triliums, attachmentId]);
    const v = await doc.verifyHashes();
    assert.deepEqual(v.mismatches, []);
    assert.equal(v.triliumVariants, 1);
    await doc.close();
  });
});
