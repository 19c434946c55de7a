// The change watch and stale saves with two openings of one replica in this process (two connections, as two
// processes would have); sharedReplica.test.ts does the same with real processes.
import { strict as assert } from 'node:assert';
import { createReplica, openReplica, type Replica } from '../../../src/storage';
import type { ReplicaChange } from '../../../src/storage/types';
import { CONFLICT_MARK } from '../../../src/storage/apply';
import { TempDirs } from '../sync/helpers';

function nextExternal(r: Replica, pred: (c: ReplicaChange) => boolean = () => true, timeoutMs = 3_000): Promise<ReplicaChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error('no external change')); }, timeoutMs);
    const off = r.onDidChange((c) => {
      if (!c.external || !pred(c)) return;
      clearTimeout(timer);
      off();
      resolve(c);
    });
  });
}

describe('change watch and stale saves on one replica opened twice', () => {
  const dirs = new TempDirs();
  let a: Replica;
  let b: Replica;

  beforeEach(async () => {
    const dir = await dirs.make('watch-');
    a = await createReplica(dir, { syncVersion: 39, kind: 'newDocument' });
    b = await openReplica(dir);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });
  after(() => dirs.cleanup());

  it('the other opening hears of notes, children, attributes and content; its own writes are not repeated', async () => {
    const created = nextExternal(a);
    const { noteId } = await b.createNote({ parentNoteId: 'root', title: 'From B' });
    const c1 = await created;
    assert.ok(c1.noteIds.has(noteId));
    assert.ok(c1.parentNoteIds.has('root'));
    assert.equal(c1.origin, 'local', 'another opening\'s edit is a local edit');

    const content = nextExternal(a, (c) => c.noteIds.has(noteId));
    await b.setNoteContent(noteId, '<p>new</p>');
    await content;
    const attr = nextExternal(a, (c) => c.noteIds.has(noteId));
    await b.addAttribute(noteId, 'label', 'iconClass', 'bx bx-star');
    await attr;

    const own: ReplicaChange[] = [];
    a.onDidChange((c) => { if (c.external) own.push(c); });
    await a.renameNote(noteId, 'Renamed by A');
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(own, [], 'a\'s own write is announced once, by the operation itself');
  });

  it('a resolved conflict reaches the other opening', async () => {
    const { noteId } = await a.createNote({ parentNoteId: 'root', title: 'N', content: 'one' });
    const base = { blobId: (await a.getNote(noteId))!.blobId };
    await b.setNoteContent(noteId, 'two');
    const heard = nextExternal(b, (c) => !!c.conflictsChanged);
    const saved = await a.setNoteContent(noteId, 'three', base);
    assert.ok(saved.conflict);
    await heard;
    const resolved = nextExternal(a, (c) => !!c.conflictsChanged);
    await b.resolveConflict(saved.conflict.conflictId);
    assert.ok((await resolved).noteIds.has(noteId));
  });

  it('a save from an old base keeps the text it replaces as a revision; a current base is a plain save', async () => {
    const { noteId } = await a.createNote({ parentNoteId: 'root', title: 'N', content: 'one' });
    const loaded = (await a.getNote(noteId))!.blobId;
    const plain = await a.setNoteContent(noteId, 'two', { blobId: loaded });
    assert.deepEqual(plain, { saved: true, conflict: null });
    const afterSave = (await a.getNote(noteId))!.blobId;
    await b.setNoteContent(noteId, 'three from B');
    const stale = await a.setNoteContent(noteId, 'four from an old editor', { blobId: afterSave, source: 'a test' });
    assert.equal(stale.saved, true);
    assert.ok(stale.conflict);
    assert.equal(stale.conflict.loser, 'remote');
    assert.equal(await a.getNoteContent(noteId), 'four from an old editor');
    assert.equal(await a.getRevisionContent(stale.conflict.revisionId!), 'three from B');
    const rev = (await a.getRevisions(noteId)).find((r) => r.revisionId === stale.conflict!.revisionId)!;
    assert.ok(rev.description?.startsWith(CONFLICT_MARK));
    assert.equal((await a.listConflicts()).length, 1);
    const same = await a.setNoteContent(noteId, 'four from an old editor', { blobId: loaded });
    assert.deepEqual(same, { saved: false, conflict: null }, 'saving the text already there is no conflict');
  });

  it('a save loses to a text dated after it (a clock ahead elsewhere): the newer stays, the save is the revision', async () => {
    const { noteId } = await a.createNote({ parentNoteId: 'root', title: 'N', content: 'one' });
    const loaded = (await a.getNote(noteId))!.blobId;
    const future = await openReplica(a.dataDir, { clock: { now: () => new Date(Date.now() + 3_600_000) } });
    try {
      await future.setNoteContent(noteId, 'from the future');
    } finally {
      await future.close();
    }
    const out = await a.setNoteContent(noteId, 'mine, older', { blobId: loaded });
    assert.equal(out.saved, false);
    assert.equal(out.conflict?.loser, 'local');
    assert.equal(await a.getNoteContent(noteId), 'from the future');
    assert.equal(await a.getRevisionContent(out.conflict!.revisionId!), 'mine, older');
  });
});
