// Every local operation: the rows and entity changes it writes (SYNC-PROTOCOL.md §8), in one transaction.
import { strict as assert } from 'node:assert';
import { createReplica, entityHash, getProfile, hashedBlobId, blobHash, type Replica } from '../../../src/storage';
import type { ReplicaChange } from '../../../src/storage/types';
import { isTriliumError } from '../../../src/sync/errors';
import { changesAfter, changesOf, cleanupDirs, maxChangeId, newDoc, rawAll, tempDir, TestClock } from './helpers';

const p39 = getProfile(39);

describe('storage: local operations', function () {
  this.timeout(180_000);
  let r: Replica;
  let clock: TestClock;
  beforeEach(async () => {
    clock = new TestClock();
    r = await newDoc(39, clock);
  });
  afterEach(async () => {
    await r.close();
  });
  after(cleanupDirs);

  it('a new document has root, none_root, its secrets and default synced options, all with entity changes', async () => {
    const root = await r.getNote('root');
    assert.equal(root?.title, 'root');
    assert.equal(root?.blobId, hashedBlobId(''));
    const b = await r.getBranch('none_root');
    assert.deepEqual([b?.parentNoteId, b?.notePosition, b?.isExpanded], ['none', 10, 1]);
    assert.match((await r.getOption('documentId'))!, /^[A-Za-z0-9]{12}$/);
    assert.equal(Buffer.from((await r.getOption('documentSecret'))!, 'base64').length, 16);
    assert.equal(await r.getOption('revisionSnapshotTimeInterval'), '600');
    assert.equal((await r.info()).initialized, true);
    const [rootEc] = await changesOf(r.dataDir, 'notes', 'root');
    assert.equal(rootEc.hash, entityHash(p39.tables.notes, root! as never));
    const [optEc] = await changesOf(r.dataDir, 'options', 'revisionSnapshotTimeInterval');
    assert.equal(optEc.isSynced, 1);
    const [secretEc] = await changesOf(r.dataDir, 'options', 'documentSecret');
    assert.equal(secretEc.isSynced, 0);
    assert.match(r.instanceId, /^[A-Za-z0-9]{12}$/);
  });

  it('an empty replica holds only local options and no synced change', async () => {
    const e = await createReplica(tempDir(), { syncVersion: 36, kind: 'empty' });
    const info = await e.info();
    assert.deepEqual([info.initialized, info.lastSyncedPull, info.lastSyncedPush, info.documentId], [false, 0, 0, null]);
    assert.equal(await e.getNote('root'), null);
    assert.equal(await e.maxSyncedEntityChangeId(), 0);
    await e.setOption('documentId', 'docDocDocDoc', false);
    await e.setOption('documentSecret', 'c2VjcmV0c2VjcmV0c2VjcmV0', false);
    assert.equal((await e.info()).documentId, 'docDocDocDoc');
    assert.equal(await e.maxSyncedEntityChangeId(), 0);
    await e.close();
  });

  it('createNote writes blob, note and branch with their entity changes; positions step by 10', async () => {
    const before = await maxChangeId(r.dataDir);
    const { noteId, branchId } = await r.createNote({ parentNoteId: 'root', title: 'First', content: '<p>x</p>' });
    assert.equal(branchId, `root_${noteId}`);
    const note = (await r.getNote(noteId))!;
    assert.equal(note.blobId, hashedBlobId('<p>x</p>'));
    assert.deepEqual([note.type, note.mime, note.isDeleted], ['text', 'text/html', 0]);
    assert.deepEqual(await changesAfter(r.dataDir, before), [['blobs', note.blobId], ['notes', noteId], ['branches', branchId]]);
    const [noteEc] = await changesOf(r.dataDir, 'notes', noteId);
    assert.equal(noteEc.hash, entityHash(p39.tables.notes, note as never));
    assert.equal(noteEc.utcDateChanged, note.utcDateModified);
    assert.equal(noteEc.instanceId, r.instanceId);
    const [blobEc] = await changesOf(r.dataDir, 'blobs', note.blobId!);
    assert.equal(blobEc.hash, blobHash(note.blobId!, '<p>x</p>'));
    const second = await r.createNote({ parentNoteId: 'root', title: 'Second', type: 'code' });
    assert.equal((await r.getNote(second.noteId))!.mime, 'text/plain');
    assert.deepEqual((await r.getChildren('root')).map((c) => c.notePosition), [10, 20]);
    // insert after the first: later siblings move by 10 and a note_reordering change is written
    const mid = await r.createNote({ parentNoteId: 'root', title: 'Middle', afterBranchId: branchId });
    assert.deepEqual((await r.getChildren('root')).map((c) => c.title), ['First', 'Middle', 'Second']);
    const [reo] = await changesOf(r.dataDir, 'note_reordering', 'root');
    assert.equal(reo.hash, 'N/A');
    assert.ok(mid.noteId);
  });

  it('#newNotesOnTop puts new children first', async () => {
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'P' });
    await r.createNote({ parentNoteId: noteId, title: 'old' });
    await r.addAttribute(noteId, 'label', 'newNotesOnTop');
    await r.createNote({ parentNoteId: noteId, title: 'new' });
    assert.deepEqual((await r.getChildren(noteId)).map((c) => c.title), ['new', 'old']);
  });

  it('rename bumps dates and writes a new note hash', async () => {
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'A' });
    const before = (await changesOf(r.dataDir, 'notes', noteId))[0];
    await r.renameNote(noteId, 'B');
    const after = (await changesOf(r.dataDir, 'notes', noteId))[0];
    const note = (await r.getNote(noteId))!;
    assert.equal(note.title, 'B');
    assert.ok(after.id > before.id);
    assert.notEqual(after.changeId, before.changeId);
    assert.equal(after.hash, entityHash(p39.tables.notes, note as never));
    assert.ok(note.utcDateModified > note.utcDateCreated);
  });

  it('setNoteContent: new blob, unused old blob removed with its change, identical content writes nothing', async () => {
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'C', content: 'one' });
    const oldBlob = hashedBlobId('one');
    await r.setNoteContent(noteId, 'two');
    assert.equal(await r.getNoteContent(noteId), 'two');
    assert.equal((await rawAll(r.dataDir, 'SELECT * FROM blobs WHERE blobId = ?', [oldBlob])).length, 0);
    assert.equal((await changesOf(r.dataDir, 'blobs', oldBlob)).length, 0);
    assert.equal((await changesOf(r.dataDir, 'blobs', hashedBlobId('two'))).length, 1);
    const before = await maxChangeId(r.dataDir);
    await r.setNoteContent(noteId, 'two');
    assert.equal(await maxChangeId(r.dataDir), before);
    assert.equal((await r.getRevisions(noteId)).length, 0, 'a young note gets no revision');
  });

  it('setNoteContent snapshots a revision per revisionSnapshotTimeInterval, not for files or #disableVersioning', async () => {
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'Old note', content: 'v1' });
    const att = await r.addAttachment(noteId, { role: 'image', mime: 'image/png', title: 'a.png', content: Buffer.from([1, 2, 3]) });
    clock.advance(601_000);
    await r.setNoteContent(noteId, 'v2');
    const revs = await r.getRevisions(noteId);
    assert.equal(revs.length, 1);
    assert.equal(await r.getRevisionContent(revs[0].revisionId), 'v1');
    assert.equal(revs[0].title, 'Old note');
    assert.equal(revs[0].source, 'auto');
    const copies = await r.getAttachments(revs[0].revisionId);
    assert.equal(copies.length, 1, 'the note\'s attachments are copied to the revision');
    assert.notEqual(copies[0].attachmentId, att);
    assert.deepEqual(await r.getAttachmentContent(copies[0].attachmentId), Buffer.from([1, 2, 3]));
    const [revEc] = await changesOf(r.dataDir, 'revisions', revs[0].revisionId);
    assert.equal(revEc.hash, entityHash(p39.tables.revisions, revs[0] as never));
    await r.setNoteContent(noteId, 'v3');
    assert.equal((await r.getRevisions(noteId)).length, 1, 'a recent revision exists: no second one');
    clock.advance(601_000);
    await r.addAttribute(noteId, 'label', 'disableVersioning');
    await r.setNoteContent(noteId, 'v4');
    assert.equal((await r.getRevisions(noteId)).length, 1, '#disableVersioning');
    const file = await r.createNote({ parentNoteId: 'root', title: 'f', type: 'file', content: Buffer.from('x') });
    clock.advance(601_000);
    await r.setNoteContent(file.noteId, Buffer.from('y'));
    assert.equal((await r.getRevisions(file.noteId)).length, 0, 'files are not versioned');
    assert.deepEqual(await r.getNoteContent(file.noteId), Buffer.from('y'));
  });

  it('saveRevision: explicit, with description and source', async () => {
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'R', content: 'keep' });
    const revisionId = await r.saveRevision(noteId, { description: 'before the big edit' });
    const [rev] = await r.getRevisions(noteId);
    assert.equal(rev.revisionId, revisionId);
    assert.deepEqual([rev.description, rev.source], ['before the big edit', 'manual']);
    assert.equal(await r.getRevisionContent(revisionId), 'keep');
  });

  it('moveBranch: a new branch, the old one deleted with a |deleted hash; cycles refused without writing', async () => {
    const a = await r.createNote({ parentNoteId: 'root', title: 'A' });
    const b = await r.createNote({ parentNoteId: 'root', title: 'B' });
    const child = await r.createNote({ parentNoteId: a.noteId, title: 'child' });
    const newBranch = await r.moveBranch(child.branchId, b.noteId);
    assert.equal(newBranch, `${b.noteId}_${child.noteId}`);
    const old = (await r.getBranch(child.branchId))!;
    assert.equal(old.isDeleted, 1);
    assert.match(old.deleteId!, /^[A-Za-z0-9]{10}$/);
    const [oldEc] = await changesOf(r.dataDir, 'branches', child.branchId);
    assert.equal(oldEc.hash, entityHash(p39.tables.branches, old as never, true));
    assert.deepEqual((await r.getChildren(b.noteId)).map((c) => c.noteId), [child.noteId]);
    assert.deepEqual(await r.getChildren(a.noteId), []);
    assert.equal((await r.getNote(child.noteId))!.isDeleted, 0);
    const before = await maxChangeId(r.dataDir);
    await assert.rejects(r.moveBranch(`root_${b.noteId}`, child.noteId), (e: unknown) => isTriliumError(e, 'INVALID_OPERATION'));
    assert.equal(await maxChangeId(r.dataDir), before, 'the failed move wrote nothing');
  });

  it('cloneNote adds a branch; paths go through every parent', async () => {
    const a = await r.createNote({ parentNoteId: 'root', title: 'A' });
    const b = await r.createNote({ parentNoteId: 'root', title: 'B' });
    const n = await r.createNote({ parentNoteId: a.noteId, title: 'N' });
    const clone = await r.cloneNote(n.noteId, b.noteId, '  ');
    assert.equal((await r.getBranch(clone))!.prefix, null, 'whitespace prefix is stored as NULL');
    const paths = (await r.getNotePaths(n.noteId)).map((p) => p.join('/')).sort();
    assert.deepEqual(paths, [`root/${a.noteId}/${n.noteId}`, `root/${b.noteId}/${n.noteId}`].sort());
    assert.equal((await r.getParentBranches(n.noteId)).length, 2);
    await assert.rejects(r.cloneNote(n.noteId, b.noteId), (e: unknown) => isTriliumError(e, 'INVALID_OPERATION'));
  });

  it('reorderChildren sets positions and writes one note_reordering change, no branch changes', async () => {
    const ids = [];
    for (const t of ['x', 'y', 'z']) ids.push((await r.createNote({ parentNoteId: 'root', title: t })).branchId);
    const before = await maxChangeId(r.dataDir);
    await r.reorderChildren('root', [ids[2], ids[0], ids[1]]);
    assert.deepEqual((await r.getChildren('root')).map((c) => c.title), ['z', 'x', 'y']);
    assert.deepEqual(await changesAfter(r.dataDir, before), [['note_reordering', 'root']]);
    const [rec] = await r.buildRecords(await r.getChangesToPush(before, 'nobody', 10));
    assert.deepEqual(rec.entity, { [ids[2]]: 10, [ids[0]]: 20, [ids[1]]: 30 });
  });

  it('setPrefix writes the branch change; setExpanded writes none', async () => {
    const n = await r.createNote({ parentNoteId: 'root', title: 'P' });
    await r.setPrefix(n.branchId, 'Pre');
    const b = (await r.getBranch(n.branchId))!;
    assert.equal((await changesOf(r.dataDir, 'branches', n.branchId))[0].hash, entityHash(p39.tables.branches, b as never));
    const before = await maxChangeId(r.dataDir);
    await r.setExpanded(n.branchId, true);
    assert.equal((await r.getBranch(n.branchId))!.isExpanded, 1);
    assert.equal(await maxChangeId(r.dataDir), before);
  });

  it('delete: a clone\'s branch only; the last branch takes subtree, attributes, incoming relations, attachments; undelete restores', async () => {
    const a = await r.createNote({ parentNoteId: 'root', title: 'A' });
    const b = await r.createNote({ parentNoteId: 'root', title: 'B' });
    const kid = await r.createNote({ parentNoteId: a.noteId, title: 'kid' });
    const grandkid = await r.createNote({ parentNoteId: kid.noteId, title: 'grandkid' });
    const label = await r.addAttribute(kid.noteId, 'label', 'x', 'y');
    const rel = await r.addAttribute(b.noteId, 'relation', 'points', kid.noteId);
    const att = await r.addAttachment(kid.noteId, { role: 'file', mime: 'text/plain', title: 't', content: 'a' });
    const cloneBranch = await r.cloneNote(kid.noteId, b.noteId);

    await r.deleteBranch(cloneBranch);
    assert.equal((await r.getNote(kid.noteId))!.isDeleted, 0, 'another parent is left');

    const deleteId = await r.deleteNote(kid.noteId);
    for (const [table, id] of [['notes', kid.noteId], ['notes', grandkid.noteId], ['branches', kid.branchId],
      ['branches', grandkid.branchId], ['attributes', label], ['attributes', rel], ['attachments', att]] as const) {
      const row = (await rawAll(r.dataDir, `SELECT * FROM ${table} WHERE ${p39.tables[table].pk} = ?`, [id]))[0];
      assert.deepEqual([row.isDeleted, row.deleteId], [1, deleteId], `${table} ${id}`);
      const [ec] = await changesOf(r.dataDir, table, id);
      assert.equal(ec.hash, entityHash(p39.tables[table], row, true), `${table} hash has |deleted`);
    }
    assert.equal((await r.getBranch(cloneBranch))!.deleteId !== deleteId, true, 'the earlier delete kept its own deleteId');
    assert.deepEqual((await r.getChildren(a.noteId)).length, 0);

    await r.undeleteNote(kid.noteId);
    for (const id of [kid.noteId, grandkid.noteId]) assert.equal((await r.getNote(id))!.isDeleted, 0);
    assert.equal((await r.getAttributes(kid.noteId)).length, 1);
    assert.equal((await r.getAttributes(b.noteId)).length, 1, 'the incoming relation is back');
    assert.equal((await r.getAttachments(kid.noteId)).length, 1);
    assert.deepEqual((await r.getChildren(a.noteId)).map((c) => c.noteId), [kid.noteId]);
    assert.equal((await r.getBranch(cloneBranch))!.isDeleted, 1, 'the separately deleted clone stays deleted');
    await assert.rejects(r.deleteNote('root'), (e: unknown) => isTriliumError(e, 'INVALID_OPERATION'));
  });

  it('attributes: add with position steps, update, delete; iconClass shows in the tree', async () => {
    const n = await r.createNote({ parentNoteId: 'root', title: 'N' });
    const icon = await r.addAttribute(n.noteId, 'label', 'iconClass', 'bx bx-star', true);
    const second = await r.addAttribute(n.noteId, 'label', 'other');
    const attrs = await r.getAttributes(n.noteId);
    assert.deepEqual(attrs.map((a) => [a.name, a.position, a.isInheritable, a.value]), [['iconClass', 10, 1, 'bx bx-star'], ['other', 20, 0, '']]);
    assert.equal((await changesOf(r.dataDir, 'attributes', icon))[0].hash, entityHash(p39.tables.attributes, attrs[0] as never));
    assert.equal((await r.getChildren('root'))[0].iconClass, 'bx bx-star');
    await r.updateAttribute(icon, 'bx bx-moon');
    assert.equal((await r.getChildren('root'))[0].iconClass, 'bx bx-moon');
    await r.deleteAttribute(second);
    assert.deepEqual((await r.getAttributes(n.noteId)).map((a) => a.name), ['iconClass']);
  });

  it('setNoteTypeMime and attachments write their changes', async () => {
    const n = await r.createNote({ parentNoteId: 'root', title: 'N' });
    await r.setNoteTypeMime(n.noteId, 'code', 'application/javascript');
    const note = (await r.getNote(n.noteId))!;
    assert.equal((await changesOf(r.dataDir, 'notes', n.noteId))[0].hash, entityHash(p39.tables.notes, note as never));
    const a1 = await r.addAttachment(n.noteId, { role: 'file', mime: 'application/pdf', title: 'a.pdf', content: Buffer.from('%PDF') });
    const a2 = await r.addAttachment(n.noteId, { role: 'file', mime: 'text/plain', title: 'b.txt', content: 'b' });
    assert.deepEqual((await r.getAttachments(n.noteId)).map((a) => [a.attachmentId, a.position]), [[a1, 10], [a2, 20]]);
    const [ec] = await changesOf(r.dataDir, 'attachments', a1);
    assert.equal(ec.hash, entityHash(p39.tables.attachments, (await r.getAttachments(n.noteId))[0] as never));
  });

  it('concurrent operations never interleave: each is whole, and every hash verifies', async () => {
    const events: ReplicaChange[] = [];
    const off = r.onDidChange((c) => events.push(c));
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => r.createNote({ parentNoteId: 'root', title: `n${i}`, content: `c${i}` })));
    await Promise.all(created.map((c, i) => (i % 2 ? r.renameNote(c.noteId, `renamed ${i}`) : r.setNoteContent(c.noteId, `new ${i}`))));
    off();
    const positions = (await r.getChildren('root')).map((c) => c.notePosition);
    assert.equal(new Set(positions).size, 40, 'every note got its own position');
    assert.equal(events.length, 80);
    assert.ok(events.every((e) => e.origin === 'local' && e.noteIds.size > 0));
    const v = await r.verifyHashes();
    assert.deepEqual(v.mismatches, []);
    assert.ok(v.checked > 120);
  });

  it('a failing operation rolls back completely', async () => {
    const before = await maxChangeId(r.dataDir);
    const notesBefore = (await r.counts()).notes;
    await assert.rejects(r.createNote({ parentNoteId: 'missing', title: 'x' }), (e: unknown) => isTriliumError(e, 'NOT_FOUND'));
    await assert.rejects(r.renameNote('missing', 'x'), (e: unknown) => isTriliumError(e, 'NOT_FOUND'));
    assert.equal(await maxChangeId(r.dataDir), before);
    assert.equal((await r.counts()).notes, notesBefore);
  });
});
