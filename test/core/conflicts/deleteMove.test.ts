// Delete versus edit and move versus move (issue 7). Trilium's rule decides who wins: per entity row, the change
// with the later utcDateChanged wins, ties go to the side that pushes last. Whatever loses stays recoverable.
import assert from 'node:assert/strict';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import { conflictsFor, noteOn, revisionOn, startWorld, type World } from './world';

const EDIT = '<p>An edit made while the other side deleted the note — keep me!</p>';

async function populate(server: ReplicaApi): Promise<Record<string, string>> {
  const { noteId } = await server.createNote({ parentNoteId: 'root', title: 'Doomed', content: '<p>before</p>' });
  const { noteId: p1 } = await server.createNote({ parentNoteId: 'root', title: 'P1' });
  const { noteId: p2 } = await server.createNote({ parentNoteId: 'root', title: 'P2' });
  const { noteId: p3 } = await server.createNote({ parentNoteId: 'root', title: 'P3' });
  const { noteId: moved, branchId: movedBranch } = await server.createNote({ parentNoteId: p1, title: 'Wanderer', content: '<p>w</p>' });
  return { noteId, p1, p2, p3, moved, movedBranch };
}

async function liveParents(replica: ReplicaApi, noteId: string): Promise<string[]> {
  return (await replica.getParentBranches(noteId)).filter((b) => !b.isDeleted).map((b) => b.parentNoteId).sort();
}

describe('conflicts: delete versus edit, move versus move (issue 7)', function () {
  this.timeout(120_000);
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('edit then a later delete: the delete wins (newer), the edit is a revision on every instance', async () => {
    world = await startWorld(populate);
    const { a, b, ids, clock } = world;
    clock.advance(60_000);
    await a.replica.setNoteContent(ids.noteId, EDIT);
    clock.advance(60_000);
    await b.replica.deleteNote(ids.noteId);
    await world.converge(a, b);

    for (const replica of [a.replica, b.replica, world.serverReplica]) {
      assert.equal((await noteOn(replica, ids.noteId))?.isDeleted, 1, 'the newer delete wins everywhere');
    }
    const onB = (await conflictsFor(b.replica, ids.noteId)).filter((c) => !c.resolved);
    assert.equal(onB.length, 1, JSON.stringify(onB));
    assert.equal(onB[0].kind, 'delete-vs-edit');
    assert.equal(onB[0].loser, 'remote', 'on B the other side\'s edit lost');
    assert.ok(onB[0].revisionId);
    const onA = (await conflictsFor(a.replica, ids.noteId)).filter((c) => !c.resolved);
    assert.equal(onA.length, 1, `A lists the conflict too: ${JSON.stringify(onA)}`);
    assert.equal(onA[0].loser, 'local');
    assert.equal(onA[0].revisionId, onB[0].revisionId);
    for (const [name, replica] of [['a', a.replica], ['b', b.replica], ['server', world.serverReplica]] as const) {
      const rev = await revisionOn(replica, ids.noteId, onB[0].revisionId!);
      assert.equal(rev?.content, EDIT, `the edit survives as a revision on ${name}`);
    }
  });

  for (const deleterSyncsFirst of [true, false]) {
    const order = deleterSyncsFirst ? 'the deleter syncing first' : 'the editor syncing first';
    it(`delete then a later edit (${order}): the edit wins (newer), its text is current and the note stays in the tree`, async () => {
      world = await startWorld(populate);
      const { a, b, ids, clock } = world;
      clock.advance(60_000);
      await b.replica.deleteNote(ids.noteId);
      clock.advance(60_000);
      await a.replica.setNoteContent(ids.noteId, EDIT);
      if (deleterSyncsFirst) await world.converge(b, a);
      else await world.converge(a, b);

      const states = [];
      for (const replica of [a.replica, b.replica, world.serverReplica]) states.push(await noteOn(replica, ids.noteId));
      assert.deepEqual(states[0], states[1], 'A and B agree');
      assert.deepEqual(states[0], states[2], 'the clients agree with the server');
      assert.equal(states[0]?.isDeleted, 0, 'the newer edit keeps the note');
      assert.equal(states[0]?.content, EDIT);
      // The side that detected it lists it: the editor when the delete reached the server first, else the deleter.
      const detector = deleterSyncsFirst ? a : b;
      const listed = (await conflictsFor(detector.replica, ids.noteId)).filter((c) => !c.resolved);
      assert.equal(listed.length, 1, JSON.stringify(listed));
      assert.equal(listed[0].kind, 'delete-vs-edit');
      assert.equal(listed[0].loser, deleterSyncsFirst ? 'remote' : 'local', 'the older delete lost');
      // The winning edit must stay reachable: the delete that lost must not leave the note without a place in the tree.
      for (const [name, replica] of [['a', a.replica], ['b', b.replica], ['server', world.serverReplica]] as const) {
        assert.deepEqual(await replica.getNotePaths(ids.noteId), [['root', ids.noteId]], `the note is back in the tree on ${name}`);
      }
    });
  }

  it('move versus move: the note ends up under both new parents everywhere, and both moves are in the details', async () => {
    world = await startWorld(populate);
    const { a, b, ids, clock } = world;
    clock.advance(60_000);
    await a.replica.moveBranch(ids.movedBranch, ids.p2);
    clock.advance(60_000);
    await b.replica.moveBranch(ids.movedBranch, ids.p3);
    await world.converge(a, b);

    const expected = [ids.p2, ids.p3].sort();
    for (const [name, replica] of [['a', a.replica], ['b', b.replica], ['server', world.serverReplica]] as const) {
      assert.deepEqual(await liveParents(replica, ids.moved), expected, `parents on ${name}`);
    }
    const all = [...await conflictsFor(a.replica, ids.moved), ...await conflictsFor(b.replica, ids.moved)];
    const moves = all.filter((c) => c.kind === 'move');
    assert.ok(moves.length >= 1, `a move conflict is listed: ${JSON.stringify(all)}`);
    for (const m of moves) {
      const details = JSON.parse(m.details ?? 'null') as { local?: { parentNoteId?: string }; remote?: { parentNoteId?: string } };
      assert.deepEqual([details.local?.parentNoteId, details.remote?.parentNoteId].sort(), expected, 'both destinations recorded');
    }
  });
});
