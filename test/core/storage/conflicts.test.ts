// Conflict capture during apply (issues 4 and 7): the losing title/content becomes a synced revision, and a
// conflicts row records what happened.
import { strict as assert } from 'node:assert';
import { createReplica, type Replica } from '../../../src/storage';
import { changesOf, cleanupDirs, newDoc, pullAll, pushAll, rawRun, tempDir, TestClock } from './helpers';

describe('storage: conflict capture', function () {
  this.timeout(180_000);
  let clock: TestClock;
  let server: Replica;
  let a: Replica;
  let noteId: string;

  beforeEach(async () => {
    clock = new TestClock();
    server = await newDoc(39, clock);
    noteId = (await server.createNote({ parentNoteId: 'root', title: 'Base', content: '<p>base</p>' })).noteId;
    a = await createReplica(tempDir(), { syncVersion: 39, kind: 'empty', clock });
    await pullAll(server, a);
    await a.finishBulkLoad();
  });
  afterEach(async () => {
    await a.close();
    await server.close();
  });
  after(cleanupDirs);

  const unsent = async () => a.getCursor('lastSyncedPush');

  it('remote newer: the local title and content are kept as a synced revision, loser local', async () => {
    await a.renameNote(noteId, 'Mine');
    await a.setNoteContent(noteId, '<p>mine</p>');
    clock.advance(1000);
    await server.renameNote(noteId, 'Theirs');
    await server.setNoteContent(noteId, '<p>theirs</p>');
    const { conflicts } = await pullAll(server, a, { unsent: await unsent() });
    assert.equal(conflicts, 1);
    assert.equal((await a.getNote(noteId))!.title, 'Theirs');
    assert.equal(await a.getNoteContent(noteId), '<p>theirs</p>');
    const [c] = await a.listConflicts();
    assert.deepEqual([c.kind, c.loser, c.entityName, c.entityId, c.noteId], ['title+content', 'local', 'notes', noteId, noteId]);
    assert.ok(c.localUtcDateChanged! < c.remoteUtcDateChanged!);
    const rev = (await a.getRevisions(noteId)).find((x) => x.revisionId === c.revisionId)!;
    assert.equal(rev.title, 'Mine');
    assert.equal(await a.getRevisionContent(rev.revisionId), '<p>mine</p>');
    assert.match(rev.description!, /^Kept because of a sync conflict: replaced by a newer change from /);
    const [revEc] = await changesOf(a.dataDir, 'revisions', rev.revisionId);
    assert.deepEqual([revEc.instanceId, revEc.isSynced], [a.instanceId, 1], 'the revision syncs out');
    // and it reaches the server
    await pushAll(a, server);
    assert.equal(await server.getRevisionContent(rev.revisionId), '<p>mine</p>');
    await a.resolveConflict(c.conflictId);
    assert.equal((await a.listConflicts()).length, 0);
    assert.equal((await a.listConflicts({ includeResolved: true }))[0].resolved, 1);
  });

  it('only the hashes differ (a hash kept from before a migration, re-sent after a requeue): no conflict, the remote hash is taken', async () => {
    const revisionId = await server.saveRevision(noteId);
    await pullAll(server, a);
    const sector = revisionId[0];
    await a.requeueSector('revisions', sector);
    // A Trilium server names itself anew at each start: the change came from the server's previous run.
    await rawRun(a.dataDir, "UPDATE entity_changes SET instanceId = 'serverRunBefore' WHERE entityName = 'revisions' AND entityId = ?", [revisionId]);
    await rawRun(server.dataDir, "UPDATE entity_changes SET hash = 'legacyHash' WHERE entityName = 'revisions' AND entityId = ?", [revisionId]);
    await server.requeueSector('revisions', sector);
    const { conflicts } = await pullAll(server, a, { unsent: await unsent() });
    assert.equal(conflicts, 0);
    assert.deepEqual(await a.listConflicts(), []);
    const [ec] = await changesOf(a.dataDir, 'revisions', revisionId);
    assert.equal(ec.hash, 'legacyHash');
  });

  it('local newer: the pulled version is kept as a revision, loser remote, and ours bounces', async () => {
    await server.renameNote(noteId, 'Theirs');
    clock.advance(1000);
    await a.renameNote(noteId, 'Mine');
    const before = (await changesOf(a.dataDir, 'notes', noteId))[0];
    await pullAll(server, a, { unsent: await unsent() });
    assert.equal((await a.getNote(noteId))!.title, 'Mine');
    const after = (await changesOf(a.dataDir, 'notes', noteId))[0];
    assert.notEqual(after.changeId, before.changeId);
    const [c] = await a.listConflicts();
    assert.deepEqual([c.kind, c.loser], ['title', 'remote']);
    const rev = (await a.getRevisions(noteId)).find((x) => x.revisionId === c.revisionId)!;
    assert.equal(rev.title, 'Theirs');
    assert.equal(await a.getRevisionContent(rev.revisionId), '<p>base</p>');
  });

  it('remote delete against an unsent local edit: delete-vs-edit, the edit is a revision', async () => {
    await a.setNoteContent(noteId, '<p>edited</p>');
    clock.advance(1000);
    await server.deleteNote(noteId);
    await pullAll(server, a, { unsent: await unsent() });
    assert.equal((await a.getNote(noteId))!.isDeleted, 1);
    const [c] = await a.listConflicts();
    assert.deepEqual([c.kind, c.loser], ['delete-vs-edit', 'local']);
    assert.equal(await a.getRevisionContent(c.revisionId!), '<p>edited</p>');
  });

  it('an older remote delete loses to a local edit: the note keeps its branch (revived as a local change)', async () => {
    const attr = await server.addAttribute(noteId, 'label', 'keep', 'me');
    await pullAll(server, a);
    await server.deleteNote(noteId);
    clock.advance(1000);
    await a.setNoteContent(noteId, '<p>edited later</p>');
    await pullAll(server, a, { unsent: await unsent() });
    const [c] = await a.listConflicts();
    assert.deepEqual([c.kind, c.loser], ['delete-vs-edit', 'remote']);
    assert.equal((await a.getNote(noteId))!.isDeleted, 0);
    assert.deepEqual(await a.getNotePaths(noteId), [['root', noteId]]);
    assert.deepEqual((await a.getAttributes(noteId)).map((x) => x.attributeId), [attr]);
    const [branchEc] = await changesOf(a.dataDir, 'branches', `root_${noteId}`);
    assert.equal(branchEc.instanceId, a.instanceId, 'the revived branch syncs out');
    await pushAll(a, server);
    assert.deepEqual(await server.getNotePaths(noteId), [['root', noteId]]);
    assert.equal(await server.getNoteContent(noteId), '<p>edited later</p>');
  });

  it('attributes and other rows are recorded with both versions; equal hashes are no conflict', async () => {
    const attr = await server.addAttribute(noteId, 'label', 'color', 'red');
    await pullAll(server, a);
    await a.updateAttribute(attr, 'blue');
    clock.advance(1000);
    await server.updateAttribute(attr, 'green');
    await pullAll(server, a, { unsent: await unsent() });
    const [c] = await a.listConflicts();
    assert.deepEqual([c.kind, c.loser, c.noteId, c.revisionId], ['attribute', 'local', noteId, null]);
    const d = JSON.parse(c.details!);
    assert.deepEqual([d.local.value, d.remote.value], ['blue', 'green']);
    // the same title on both sides: equal hash, no conflict
    await a.renameNote(noteId, 'Same');
    clock.advance(1000);
    await server.renameNote(noteId, 'Same');
    const r = await pullAll(server, a, { unsent: await unsent() });
    assert.equal(r.conflicts, 0);
  });

  it('no capture without unsentAfterId (a server applying a push)', async () => {
    await server.renameNote(noteId, 'server side');
    clock.advance(1000);
    await a.renameNote(noteId, 'client side');
    await pushAll(a, server);
    assert.equal((await server.listConflicts()).length, 0);
    assert.equal((await server.getNote(noteId))!.title, 'client side');
  });

  it('a remote winner whose blob is missing still gets a revision, and says so', async () => {
    await server.renameNote(noteId, 'Theirs');
    await server.setNoteContent(noteId, '<p>theirs</p>');
    clock.advance(1000);
    await a.renameNote(noteId, 'Mine');
    // deliver the notes change without its blob
    let cursor = await a.getCursor('lastSyncedPull');
    const page = await server.getChangedForPull(cursor, a.instanceId);
    const onlyNotes = page.entityChanges.filter((x) => x.entityChange.entityName !== 'blobs');
    const res = await a.applyRecords(onlyNotes, { senderInstanceId: server.instanceId, unsentAfterId: await unsent() });
    cursor = page.lastEntityChangeId;
    assert.equal(res.conflicts.length, 1);
    assert.equal(res.conflicts[0].loser, 'remote');
    assert.match(res.conflicts[0].details!, /not available/);
    const rev = (await a.getRevisions(noteId)).find((x) => x.revisionId === res.conflicts[0].revisionId)!;
    assert.equal(rev.title, 'Theirs');
    assert.equal(await a.getRevisionContent(rev.revisionId), '');
  });
});
