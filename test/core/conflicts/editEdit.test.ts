// Two clients edit the same note offline; whichever syncs first, the newer edit is current everywhere and the
// older one survives, byte for byte, as a synced revision on both clients and on the server (issue 7).
import assert from 'node:assert/strict';
import type { ReplicaApi } from '../../../src/storage/replicaApi';
import type { ConflictRecord } from '../../../src/storage/types';
import { conflictsFor, noteOn, revisionOn, startWorld, type Client, type World } from './world';

const BASE = '<p>The shared base text.</p>';
const OLDER = { title: 'Plan (older, from A)', content: '<p>A typed this first: “naïve café” — ünïcödé &amp; <strong>bold</strong></p>' };
const NEWER = { title: 'Plan (newer, from B)', content: '<h2>B typed this later</h2><ul><li>one</li><li>two</li></ul>' };

async function populate(server: ReplicaApi): Promise<Record<string, string>> {
  const { noteId } = await server.createNote({ parentNoteId: 'root', title: 'Plan', content: BASE });
  const { noteId: titleOnly } = await server.createNote({ parentNoteId: 'root', title: 'Only the title', content: '<p>same</p>' });
  const { noteId: contentOnly } = await server.createNote({ parentNoteId: 'root', title: 'Only the content', content: '<p>start</p>' });
  return { noteId, titleOnly, contentOnly };
}

function findOne(list: ConflictRecord[], what: string): ConflictRecord {
  const open = list.filter((c) => !c.resolved);
  assert.equal(open.length, 1, `${what}: expected one unresolved conflict, got ${JSON.stringify(list)}`);
  return open[0];
}

/** A edits first (older), B later (newer); `firstToSync` decides who pushes first. */
async function editEditScenario(world: World, firstToSync: Client, secondToSync: Client): Promise<void> {
  const { a, b, ids, clock } = world;
  const noteId = ids.noteId;
  clock.advance(60_000);
  await a.replica.renameNote(noteId, OLDER.title);
  await a.replica.setNoteContent(noteId, OLDER.content);
  clock.advance(60_000);
  await b.replica.renameNote(noteId, NEWER.title);
  await b.replica.setNoteContent(noteId, NEWER.content);

  await world.converge(firstToSync, secondToSync);

  // The newer version is current everywhere.
  for (const [name, replica] of [['a', a.replica], ['b', b.replica], ['server', world.serverReplica]] as const) {
    assert.deepEqual(await noteOn(replica, noteId), { title: NEWER.title, content: NEWER.content, isDeleted: 0 }, `current note on ${name}`);
  }

  // Both clients list the conflict: on A its own version lost, on B the other one.
  const onA = findOne(await conflictsFor(a.replica, noteId), 'client A');
  const onB = findOne(await conflictsFor(b.replica, noteId), 'client B');
  assert.equal(onA.kind, 'title+content');
  assert.equal(onB.kind, 'title+content');
  assert.equal(onA.loser, 'local', 'on A, A\'s older edit lost');
  assert.equal(onB.loser, 'remote', 'on B, the other (older) edit lost');
  assert.ok(onA.revisionId, 'A\'s record names the revision');
  assert.equal(onA.revisionId, onB.revisionId, 'both records name the same synced revision');
  assert.equal(onA.entityName, 'notes');
  assert.equal(onA.entityId, noteId);

  // The older version exists as that revision on every instance, byte-equal to what A typed.
  for (const [name, replica] of [['a', a.replica], ['b', b.replica], ['server', world.serverReplica]] as const) {
    const rev = await revisionOn(replica, noteId, onA.revisionId!);
    assert.ok(rev, `revision ${onA.revisionId} on ${name}`);
    assert.equal(rev.title, OLDER.title, `revision title on ${name}`);
    assert.equal(rev.content, OLDER.content, `revision content on ${name}`);
    assert.match(rev.description ?? '', /sync conflict/i, `revision description on ${name}`);
  }
}

describe('conflicts: edit versus edit (issue 7)', function () {
  this.timeout(120_000);
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('older side syncs first: the newer title and content win everywhere, the older is a revision everywhere', async () => {
    world = await startWorld(populate);
    await editEditScenario(world, world.a, world.b);
  });

  it('newer side syncs first: the same outcome', async () => {
    world = await startWorld(populate);
    await editEditScenario(world, world.b, world.a);
  });

  it('a title-only and a content-only conflict are told apart, and each keeps only what lost', async () => {
    world = await startWorld(populate);
    const { a, b, ids, clock } = world;
    clock.advance(60_000);
    await a.replica.renameNote(ids.titleOnly, 'Title by A');
    await a.replica.setNoteContent(ids.contentOnly, '<p>content by A</p>');
    clock.advance(60_000);
    await b.replica.renameNote(ids.titleOnly, 'Title by B');
    await b.replica.setNoteContent(ids.contentOnly, '<p>content by B</p>');
    await world.converge(b, a);

    const titleConflict = findOne(await conflictsFor(a.replica, ids.titleOnly), 'title-only on A');
    assert.equal(titleConflict.kind, 'title');
    assert.equal(titleConflict.loser, 'local');
    const titleRev = await revisionOn(world.serverReplica, ids.titleOnly, titleConflict.revisionId!);
    assert.deepEqual({ title: titleRev?.title, content: titleRev?.content }, { title: 'Title by A', content: '<p>same</p>' });

    const contentConflict = findOne(await conflictsFor(a.replica, ids.contentOnly), 'content-only on A');
    assert.equal(contentConflict.kind, 'content');
    const contentRev = await revisionOn(world.serverReplica, ids.contentOnly, contentConflict.revisionId!);
    assert.deepEqual({ title: contentRev?.title, content: contentRev?.content }, { title: 'Only the content', content: '<p>content by A</p>' });

    for (const replica of [a.replica, b.replica, world.serverReplica]) {
      assert.equal((await noteOn(replica, ids.titleOnly))?.title, 'Title by B');
      assert.equal((await noteOn(replica, ids.contentOnly))?.content, '<p>content by B</p>');
    }
  });

  it('edits that do not overlap in time on the server are not conflicts', async () => {
    world = await startWorld(populate);
    const { a, b, ids, clock } = world;
    clock.advance(60_000);
    await a.replica.setNoteContent(ids.noteId, '<p>first</p>');
    await world.sync(a);
    await world.sync(b);
    clock.advance(60_000);
    await b.replica.setNoteContent(ids.noteId, '<p>second</p>');
    await world.converge(b, a);
    assert.deepEqual(await conflictsFor(a.replica, ids.noteId), []);
    assert.deepEqual(await conflictsFor(b.replica, ids.noteId), []);
    assert.equal((await noteOn(a.replica, ids.noteId))?.content, '<p>second</p>');
  });
});
