// A note index patched with the change events of edits (renames, moves, clones, prefixes, attributes added, changed and
// deleted, notes created and deleted) holds what an index loaded afresh from the same file holds: the notes, their
// lists (parents, children, owned and target attributes, in order), the attributes by name, and what it derives.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { openConnection, type Connection } from '../../../src/storage/db';
import { NoteIndex, type IndexedNote } from '../../../src/storage/query/noteIndex';
import type { ReplicaChange } from '../../../src/storage/types';
import { cleanupDirs } from '../storage/helpers';
import { buildFixture, type Fixture } from './fixture';

/** Everything a search can read of the index, as plain values. */
function snapshot(index: NoteIndex): unknown {
  const ids = (list: Array<{ noteId: string }>) => list.map((x) => x.noteId);
  const note = (n: IndexedNote) => ({
    row: [n.noteId, n.title, n.type, n.mime, n.isProtected, n.dateModified, n.utcDateModified],
    parentBranches: n.parentBranches.map((b) => [b.branchId, b.parentNoteId, b.notePosition, b.prefix]),
    parents: ids(n.parents),
    children: ids(n.children),
    owned: n.owned.map((a) => [a.attributeId, a.type, a.name, a.value, a.isInheritable, a.position]),
    targetRelations: n.targetRelations.map((a) => a.attributeId),
    effective: index.effectiveAttributes(n).map((a) => a.attributeId),
    flatText: index.flatText(n),
    bestPath: index.bestPath(n),
    pathTitle: index.bestPathTitle(n),
    titles: index.normalizedTitles(n),
    archived: index.isArchived(n),
    hidden: index.isInHiddenSubtree(n),
  });
  const notes = [...index.notes.values()].sort((a, b) => (a.noteId < b.noteId ? -1 : 1));
  const names = new Set<string>();
  for (const n of notes) for (const a of n.owned) names.add(`${a.type}\u0000${a.name}`);
  const byName = [...names].sort().map((k) => {
    const [type, name] = k.split('\u0000') as ['label' | 'relation', string];
    return [k, index.findAttributes(type, name).map((a) => a.attributeId)];
  });
  const base = (archived: boolean, hidden: boolean) => ids([...index.baseSet(archived, hidden)]).sort();
  return { notes: notes.map(note), byName, base: [base(false, false), base(true, true)] };
}

describe('search index: a patched index equals a fresh one', () => {
  let f: Fixture;
  let c: Connection;
  let patched: NoteIndex;
  let changes: ReplicaChange[] = [];

  before(async () => {
    f = await buildFixture();
    c = await openConnection(path.join(f.replica.dataDir, 'document.db'), { create: false });
    patched = await NoteIndex.load(c);
    snapshot(patched); // memoize everything, so that a patch must drop what it changes
    f.replica.onDidChange((change) => changes.push(change));
  });
  after(async () => { await c.close(); await f.replica.close(); cleanupDirs(); });

  /** Patches in the changes since the last call, then compares with an index loaded now. */
  async function assertLikeFresh(what: string): Promise<void> {
    const noteIds = new Set<string>();
    const parentNoteIds = new Set<string>();
    for (const ch of changes) {
      for (const id of ch.noteIds) noteIds.add(id);
      for (const id of ch.parentNoteIds) parentNoteIds.add(id);
    }
    changes = [];
    await patched.reload(c, { noteIds, parentNoteIds });
    assert.deepEqual(snapshot(patched), snapshot(await NoteIndex.load(c)), what);
  }

  it('after renames (a leaf, an ancestor)', async () => {
    await f.replica.renameNote(f.id.lotr, 'The Fellowship');
    await assertLikeFresh('leaf');
    await f.replica.renameNote(f.id.projects, 'Work');
    await assertLikeFresh('ancestor');
  });

  it('after branch moves, clones, prefixes and a branch deleted', async () => {
    const [alphaBranch] = await f.replica.getParentBranches(f.id.alpha);
    const moved = await f.replica.moveBranch(alphaBranch.branchId, f.id.old);
    await assertLikeFresh('moved under an archived note');
    const clone = await f.replica.cloneNote(f.id.tolkien, f.id.books, 'Author');
    await assertLikeFresh('cloned with a prefix');
    await f.replica.setPrefix(clone, 'Writer');
    await assertLikeFresh('prefix changed');
    await f.replica.moveBranch(moved, f.id.projects);
    await f.replica.deleteBranch(clone);
    await assertLikeFresh('moved back, clone deleted');
  });

  it('after attributes added, changed and deleted (inheritable, template, relation)', async () => {
    const inheritable = await f.replica.addAttribute(f.id.people, 'label', 'group', 'humans', true);
    const relation = await f.replica.addAttribute(f.id.alpha, 'relation', 'template', f.id.taskTemplate);
    await assertLikeFresh('added');
    await f.replica.updateAttribute(inheritable, 'writers');
    await assertLikeFresh('value changed');
    await f.replica.deleteAttribute(relation);
    await f.replica.deleteAttribute(inheritable);
    await assertLikeFresh('deleted');
  });

  it('after notes created and deleted (with children, with relations pointing at them)', async () => {
    const { noteId } = await f.replica.createNote({ parentNoteId: f.id.people, title: 'Lewis', content: '', type: 'text' });
    const child = await f.replica.createNote({ parentNoteId: noteId, title: 'Narnia', content: '', type: 'text' });
    await f.replica.addAttribute(f.id.dune, 'relation', 'friend', noteId);
    await f.replica.addAttribute(noteId, 'label', 'person');
    await assertLikeFresh('created');
    await f.replica.deleteNote(child.noteId);
    await assertLikeFresh('leaf deleted');
    await f.replica.deleteNote(noteId);
    await f.replica.deleteNote(f.id.herbert);
    await assertLikeFresh('deleted: one with a relation pointing at it, one a relation target');
  });
});
