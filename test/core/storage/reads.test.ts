// Reads the UI needs: children in order with hidden subtree handling, paths, search (title and FTS).
import { strict as assert } from 'node:assert';
import type { Replica } from '../../../src/storage';
import type { SyncRecord } from '../../../src/storage/types';
import { addHiddenRoot, cleanupDirs, newDoc } from './helpers';

describe('storage: reads', function () {
  this.timeout(180_000);
  let r: Replica;
  beforeEach(async () => { r = await newDoc(39); });
  afterEach(async () => { await r.close(); });
  after(cleanupDirs);

  it('children in notePosition order, _hidden only when asked, hasChildren, deleted ones left out', async () => {
    const b = await r.createNote({ parentNoteId: 'root', title: 'B' });
    const a = await r.createNote({ parentNoteId: 'root', title: 'A' });
    await r.createNote({ parentNoteId: b.noteId, title: 'under B' });
    const gone = await r.createNote({ parentNoteId: 'root', title: 'gone' });
    await r.deleteNote(gone.noteId);
    await addHiddenRoot(r);
    const kids = await r.getChildren('root');
    assert.deepEqual(kids.map((k) => [k.title, k.hasChildren]), [['B', true], ['A', false]]);
    assert.equal(kids[1].noteId, a.noteId);
    assert.deepEqual((await r.getChildren('root', { includeHidden: true })).map((k) => k.noteId), [b.noteId, a.noteId, '_hidden']);
    // a new note still goes after the visible ones, not after _hidden's huge position
    const c = await r.createNote({ parentNoteId: 'root', title: 'C' });
    assert.equal((await r.getBranch(c.branchId))!.notePosition, 30, 'after the last live sibling (deleted ones do not count)');
  });

  it('10k children come back in order', async () => {
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'big' });
    const base = { isErased: 0 as const, componentId: 'NA', instanceId: 'srv', isSynced: 1 as const, utcDateChanged: '2026-11-24 10:00:00.000Z' };
    const recs: SyncRecord[] = [];
    for (let i = 0; i < 10000; i++) {
      const id = `k${String(i).padStart(11, '0')}`;
      recs.push({ entityChange: { ...base, id: i * 2, entityName: 'notes', entityId: id, hash: 'h', changeId: `n${String(i).padStart(11, '0')}` },
        entity: { noteId: id, title: `kid ${i}`, isProtected: 0, type: 'text', mime: 'text/html', blobId: null, isDeleted: 0, deleteId: null,
          dateCreated: 'd', dateModified: 'd', utcDateCreated: 'u', utcDateModified: 'u' } });
      recs.push({ entityChange: { ...base, id: i * 2 + 1, entityName: 'branches', entityId: `${noteId}_${id}`, hash: 'h', changeId: `b${String(i).padStart(11, '0')}` },
        entity: { branchId: `${noteId}_${id}`, noteId: id, parentNoteId: noteId, notePosition: (10000 - i) * 10, prefix: null, isExpanded: 0,
          isDeleted: 0, deleteId: null, utcDateModified: 'u' } });
    }
    await r.applyRecords(recs, { senderInstanceId: 'srv' });
    const kids = await r.getChildren(noteId);
    assert.equal(kids.length, 10000);
    assert.equal(kids[0].title, 'kid 9999');
    assert.ok(kids.every((k, i) => i === 0 || kids[i - 1].notePosition < k.notePosition));
  });

  it('title search ranks exact and prefix matches first; content search uses FTS kept in sync', async () => {
    await r.createNote({ parentNoteId: 'root', title: 'A long note about apples', content: '<p>nothing here</p>' });
    const exact = await r.createNote({ parentNoteId: 'root', title: 'Apples', content: '<p>Crisp <b>Granny</b> Smith varieties</p>' });
    await r.createNote({ parentNoteId: 'root', title: '100% _literal_ title' });
    assert.equal((await r.searchTitles('apples'))[0].noteId, exact.noteId);
    assert.equal((await r.searchTitles('apples')).length, 2);
    assert.equal((await r.searchTitles('100%')).length, 1, 'LIKE wildcards are literal');
    assert.equal((await r.searchTitles('_lit')).length, 1);
    const hits = await r.searchContent('granny smi');
    assert.deepEqual(hits.map((h) => h.noteId), [exact.noteId]);
    assert.match(hits[0].snippet, /Granny Smith/);
    assert.ok(!hits[0].snippet.includes('<'));
    await r.setNoteContent(exact.noteId, '<p>pears now</p>');
    assert.deepEqual(await r.searchContent('granny'), []);
    assert.equal((await r.searchContent('pears')).length, 1);
    await r.deleteNote(exact.noteId);
    assert.deepEqual(await r.searchContent('pears'), []);
  });

  it('listAllNotes and counts', async () => {
    const p = await r.createNote({ parentNoteId: 'root', title: 'Parent' });
    await r.createNote({ parentNoteId: p.noteId, title: 'Child' });
    const all = await r.listAllNotes();
    assert.deepEqual(all.find((x) => x.title === 'Child')?.parentTitle, 'Parent');
    const counts = await r.counts();
    assert.equal(counts.notes, 3);
    assert.equal(counts.branches, 3);
    assert.ok(counts.entity_changes > 10);
  });
});
