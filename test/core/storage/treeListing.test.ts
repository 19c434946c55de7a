// Listing a note's children (Replica.getChildren, src/storage/treeReads.ts): what each row holds, that a big folder
// whose notes are scattered through the notes table is read with each page read about once, and that a replica made
// before the listing's index got it on open.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { openReplica, type Replica } from '../../../src/storage';
import type { SyncRecord } from '../../../src/storage/types';
import { cleanupDirs, newDoc, rawAll, rawRun } from './helpers';

const base = { isErased: 0 as const, componentId: 'NA', instanceId: 'srv', isSynced: 1 as const, utcDateChanged: '2026-11-24 10:00:00.000Z' };
let changeNo = 0;
const noteRecord = (noteId: string, title: string): SyncRecord => ({
  entityChange: { ...base, id: ++changeNo, entityName: 'notes', entityId: noteId, hash: 'h', changeId: `c${String(changeNo).padStart(11, '0')}` },
  entity: { noteId, title, isProtected: 0, type: 'text', mime: 'text/html', blobId: null, isDeleted: 0, deleteId: null,
    dateCreated: 'd', dateModified: 'd', utcDateCreated: 'u', utcDateModified: 'u' },
});
const attributeRecord = (noteId: string, name: string, value: string): SyncRecord => ({
  entityChange: { ...base, id: ++changeNo, entityName: 'attributes', entityId: `a${noteId}`, hash: 'h', changeId: `c${String(changeNo).padStart(11, '0')}` },
  entity: { attributeId: `a${noteId}`, noteId, type: 'label', name, value, position: 10, isInheritable: 0, isDeleted: 0, deleteId: null, utcDateModified: 'u' },
});
const branchRecord = (parentNoteId: string, noteId: string, notePosition: number): SyncRecord => ({
  entityChange: { ...base, id: ++changeNo, entityName: 'branches', entityId: `${parentNoteId}_${noteId}`, hash: 'h', changeId: `c${String(changeNo).padStart(11, '0')}` },
  entity: { branchId: `${parentNoteId}_${noteId}`, noteId, parentNoteId, notePosition, prefix: null, isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: 'u' },
});

/** read() calls of this process so far (Linux); SQLite reads one page per call. */
const readCalls = (): number => Number(/^syscr: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);

describe('storage: listing children', function () {
  this.timeout(300_000);
  let r: Replica;
  beforeEach(async () => { r = await newDoc(39); });
  afterEach(async () => { await r.close(); });
  after(cleanupDirs);

  it('each row: prefix, hasChildren from live branches only, the first live #iconClass by position; ties in position by branchId', async () => {
    const parent = await r.createNote({ parentNoteId: 'root', title: 'P' });
    const a = await r.createNote({ parentNoteId: parent.noteId, title: 'a' });
    const b = await r.createNote({ parentNoteId: parent.noteId, title: 'b' });
    const c = await r.createNote({ parentNoteId: parent.noteId, title: 'c' });
    const gone = await r.createNote({ parentNoteId: a.noteId, title: 'deleted child of a' });
    await r.deleteNote(gone.noteId);
    await r.createNote({ parentNoteId: b.noteId, title: 'child of b' });
    const second = await r.addAttribute(c.noteId, 'label', 'iconClass', 'bx bx-second');
    await r.addAttribute(c.noteId, 'label', 'iconClass', 'bx bx-third');
    const first = await r.addAttribute(c.noteId, 'label', 'iconClass', 'bx bx-first');
    await rawRun(r.dataDir, 'UPDATE attributes SET position = 1 WHERE attributeId = ?', [first]);
    await rawRun(r.dataDir, 'UPDATE attributes SET position = 0, isDeleted = 1 WHERE attributeId = ?', [second]);
    await r.addAttribute(a.noteId, 'label', 'tag', 'not an icon');
    await rawRun(r.dataDir, "UPDATE branches SET prefix = 'pre' WHERE noteId = ?", [b.noteId]);
    await rawRun(r.dataDir, 'UPDATE branches SET notePosition = 10 WHERE parentNoteId = ?', [parent.noteId]);

    const kids = await r.getChildren(parent.noteId);
    const byBranchId = [a, b, c].map((n) => `${parent.noteId}_${n.noteId}`).sort();
    assert.deepEqual(kids.map((k) => k.branchId), byBranchId, 'equal positions: branchId order');
    const of = (noteId: string) => kids.find((k) => k.noteId === noteId)!;
    assert.deepEqual(
      [a, b, c].map((n) => { const k = of(n.noteId); return [k.title, k.prefix, k.hasChildren, k.iconClass, k.parentNoteId, k.type, k.mime, k.isProtected]; }),
      [['a', null, false, null, parent.noteId, 'text', 'text/html', 0],
        ['b', 'pre', true, null, parent.noteId, 'text', 'text/html', 0],
        ['c', null, false, 'bx bx-first', parent.noteId, 'text', 'text/html', 0]]);
    assert.equal(typeof of(b.noteId).hasChildren, 'boolean');
  });

  it('a big folder whose notes are scattered through the notes table: each page is read about once', async function () {
    if (!existsSync('/proc/self/io')) this.skip(); // read() counts come from Linux's /proc
    // 6,000 children among 14,000 other notes with long titles, each with a label (an icon for the children), in a
    // random order, so that the children's notes and labels lie in no particular order in tables several times bigger
    // than the listing's page cache.
    const rnd = (n: number) => { let s = ''; for (let i = 0; i < n; i++) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)]; return s; };
    const { noteId: folder } = await r.createNote({ parentNoteId: 'root', title: 'big' });
    const { noteId: other } = await r.createNote({ parentNoteId: 'root', title: 'others' });
    const notes = Array.from({ length: 20000 }, (_, i) => ({ noteId: rnd(12), child: i % 10 < 3, title: `${i} ${rnd(450)}` }));
    for (let i = notes.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [notes[i], notes[j]] = [notes[j], notes[i]]; }
    for (let i = 0; i < notes.length; i += 2000) {
      const recs: SyncRecord[] = [];
      for (const [k, n] of notes.slice(i, i + 2000).entries()) {
        recs.push(noteRecord(n.noteId, n.title), branchRecord(n.child ? folder : other, n.noteId, ((i + k) * 7919 % 20011) * 10),
          n.child ? attributeRecord(n.noteId, 'iconClass', `bx bx-${n.noteId}`) : attributeRecord(n.noteId, 'tag', rnd(400)));
      }
      await r.applyRecords(recs, { senderInstanceId: 'srv' });
    }
    // The pages the listing needs (dbstat: SQLite's own count of each table's and index's pages).
    const pagesOf = async (names: string[]) => Number((await rawAll(r.dataDir,
      `SELECT count(*) AS n FROM dbstat WHERE name IN (${names.map(() => '?').join(',')})`, names))[0].n);
    const needed = await pagesOf(['notes', 'sqlite_autoindex_notes_1', 'IDX_branches_parentNoteId_children', 'IDX_attributes_iconClass']);
    const notesPages = await pagesOf(['notes']);
    const pageSize = Number((await rawAll(r.dataDir, 'PRAGMA page_size'))[0].page_size);

    const before = readCalls();
    const kids = await r.getChildren(folder);
    const reads = readCalls() - before;
    assert.equal(kids.length, 6000);
    assert.ok(kids.every((k, i) => i === 0 || kids[i - 1].notePosition < k.notePosition || (kids[i - 1].notePosition === k.notePosition && kids[i - 1].branchId < k.branchId)));
    const expected = notes.filter((n) => n.child).map((n) => n.title).sort();
    assert.deepEqual(kids.map((k) => k.title).sort(), expected);
    assert.ok(kids.every((k) => k.iconClass === `bx bx-${k.noteId}`));
    // Reading the listing's ~6,000 notes at random from this table would read its pages over and over.
    assert.ok(notesPages * pageSize > 4 * 2048 * 1024, `the notes table (${notesPages} pages) is over 4× the listing's 2 MB cache`);
    assert.ok(reads <= needed * 1.1 + 20, `${reads} reads for the ${needed} pages the listing needs`);
  });

  it('a replica made before the listing indexes gets them on open, and the old branches index goes', async () => {
    const dir = r.dataDir;
    const p = await r.createNote({ parentNoteId: 'root', title: 'P' });
    await r.createNote({ parentNoteId: p.noteId, title: 'kid' });
    await r.close();
    await rawRun(dir, 'DROP INDEX IDX_branches_parentNoteId_children');
    await rawRun(dir, 'DROP INDEX IDX_attributes_iconClass');
    await rawRun(dir, 'CREATE INDEX IDX_branches_parentNoteId_notePosition ON branches (parentNoteId, notePosition)');
    r = await openReplica(dir);
    const indexes = (await rawAll(dir, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('branches', 'attributes') AND name LIKE 'IDX_%' ORDER BY name")).map((x) => x.name);
    assert.deepEqual(indexes, ['IDX_attributes_iconClass', 'IDX_attributes_name_value', 'IDX_attributes_noteId', 'IDX_branches_noteId', 'IDX_branches_parentNoteId_children']);
    assert.deepEqual((await r.getChildren(p.noteId)).map((k) => k.title), ['kid']);
  });
});
