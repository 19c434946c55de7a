// "Restore the other version" and restoring any revision: an ordinary edit through the replica that syncs out to
// the server and the other client; the version it replaces is kept as a revision, so a restore loses nothing.
import assert from 'node:assert/strict';
import { partsForConflict, restoreConflict, restoreRevision } from '../../../src/conflicts/restore';
import { isTriliumError } from '../../../src/sync/errors';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import { conflictsFor, noteOn, revisionOn, startWorld, type World } from './world';

const MINE = '<p>What A wrote, and wants back.</p>';
const THEIRS = '<p>What B wrote later.</p>';

async function populate(server: ReplicaApi): Promise<Record<string, string>> {
  const { noteId } = await server.createNote({ parentNoteId: 'root', title: 'Contested', content: '<p>base</p>' });
  return { noteId };
}

describe('conflicts: restoring the other version (issue 7)', function () {
  this.timeout(120_000);
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('restores the losing content on the client, and the restore reaches the server and the other client', async () => {
    world = await startWorld(populate);
    const { a, b, ids, clock } = world;
    clock.advance(60_000);
    await a.replica.setNoteContent(ids.noteId, MINE);
    clock.advance(60_000);
    await b.replica.setNoteContent(ids.noteId, THEIRS);
    await world.sync(b);
    await world.sync(a); // A pulls B's newer edit: A's version lost and is kept as a revision on A

    const [conflict] = (await conflictsFor(a.replica, ids.noteId)).filter((c) => !c.resolved);
    assert.ok(conflict, 'A lists the conflict');
    assert.equal(conflict.loser, 'local');
    assert.equal((await noteOn(a.replica, ids.noteId))?.content, THEIRS);

    clock.advance(60_000);
    const outcome = await restoreConflict(a.replica, conflict);
    assert.equal(outcome.contentChanged, true);
    assert.ok(outcome.savedRevisionId, 'the replaced version is saved first');
    assert.equal((await noteOn(a.replica, ids.noteId))?.content, MINE);
    assert.deepEqual((await conflictsFor(a.replica, ids.noteId)).filter((c) => !c.resolved), [], 'the conflict is resolved');

    const bConflictsBefore = (await b.replica.listConflicts({ includeResolved: true })).length;
    await world.sync(a);
    await world.sync(b);
    for (const [name, replica] of [['server', world.serverReplica], ['b', b.replica]] as const) {
      assert.equal((await noteOn(replica, ids.noteId))?.content, MINE, `restored text on ${name}`);
      assert.equal((await revisionOn(replica, ids.noteId, outcome.savedRevisionId!))?.content, THEIRS, `B's text kept as a revision on ${name}`);
    }
    assert.equal((await b.replica.listConflicts({ includeResolved: true })).length, bConflictsBefore, 'a restore is an ordinary edit, not a new conflict');
  });

  it('after a delete won over an edit, restoring the other version brings the note back with the edit, everywhere', async () => {
    world = await startWorld(populate);
    const { a, b, ids, clock } = world;
    clock.advance(60_000);
    await a.replica.setNoteContent(ids.noteId, MINE);
    clock.advance(60_000);
    await b.replica.deleteNote(ids.noteId);
    await world.converge(a, b);
    assert.equal((await noteOn(a.replica, ids.noteId))?.isDeleted, 1, 'the newer delete won');
    const [conflict] = (await conflictsFor(a.replica, ids.noteId)).filter((c) => !c.resolved && c.kind === 'delete-vs-edit');
    assert.ok(conflict?.revisionId, 'A lists the delete-vs-edit conflict with the revision of its edit');

    clock.advance(60_000);
    const outcome = await restoreConflict(a.replica, conflict);
    assert.equal(outcome.undeleted, true);
    await world.converge(a, b);
    for (const [name, replica] of [['a', a.replica], ['b', b.replica], ['server', world.serverReplica]] as const) {
      assert.deepEqual(await noteOn(replica, ids.noteId), { title: 'Contested', content: MINE, isDeleted: 0 }, `restored note on ${name}`);
      assert.deepEqual(await replica.getNotePaths(ids.noteId), [['root', ids.noteId]], `back in the tree on ${name}`);
    }
  });

  it('restores any revision\'s title and content, and does nothing when it is already current', async () => {
    world = await startWorld(populate);
    const { a, ids, clock } = world;
    clock.advance(60_000);
    const revisionId = await a.replica.saveRevision(ids.noteId, { description: 'checkpoint' });
    await a.replica.renameNote(ids.noteId, 'Renamed');
    await a.replica.setNoteContent(ids.noteId, '<p>changed</p>');
    const outcome = await restoreRevision(a.replica, ids.noteId, revisionId);
    assert.deepEqual({ t: outcome.titleChanged, c: outcome.contentChanged }, { t: true, c: true });
    assert.deepEqual(await noteOn(a.replica, ids.noteId), { title: 'Contested', content: '<p>base</p>', isDeleted: 0 });
    const saved = await revisionOn(a.replica, ids.noteId, outcome.savedRevisionId!);
    assert.deepEqual({ title: saved?.title, content: saved?.content }, { title: 'Renamed', content: '<p>changed</p>' });
    const again = await restoreRevision(a.replica, ids.noteId, revisionId);
    assert.equal(again.savedRevisionId, null, 'nothing to save when the revision is already current');
  });

  it('refuses a conflict without a revision, and says which parts a conflict restores', async () => {
    world = await startWorld(populate);
    await assert.rejects(
      restoreConflict(world.a.replica, {
        conflictId: 1, noteId: 'x', entityName: 'branches', entityId: 'root_x', kind: 'move', loser: 'local', localUtcDateChanged: null,
        remoteUtcDateChanged: null, revisionId: null, details: '{}', utcDateDetected: '', resolved: 0,
      }),
      (e) => isTriliumError(e, 'INVALID_OPERATION'),
    );
    assert.deepEqual(partsForConflict('title'), { title: true, content: false });
    assert.deepEqual(partsForConflict('content'), { title: false, content: true });
    assert.deepEqual(partsForConflict('delete-vs-edit'), { title: true, content: true });
  });
});
