// Protected notes in the replica: writes store ciphertext only, reads decrypt only while unlocked.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createReplica, entityHash, getProfile, type Replica, type ReplicaChange } from '../../../src/storage';
import { isTriliumError } from '../../../src/storage/errors';
import { decryptString } from '../../../src/storage/protected';
import { markersOnDisk, rawRun } from './diskScan';
import { cleanupDirs, rawAll, tempDir, TestClock } from '../storage/helpers';

const V = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'vectors.json'), 'utf8'));
const PASSWORD = 'pass phrase for tests';
const isCode = (code: string) => (e: unknown) => isTriliumError(e, code as never);

describe('protected notes: replica', function () {
  this.timeout(120_000);
  let r: Replica;
  let clock: TestClock;
  beforeEach(async () => {
    clock = new TestClock();
    r = await createReplica(tempDir(), { syncVersion: 39, kind: 'newDocument', clock });
  });
  afterEach(async () => { await r.close(); });
  after(cleanupDirs);

  it('Set Document Password writes Trilium\'s four synced options; a second time is refused', async () => {
    await r.setDocumentPassword(PASSWORD);
    for (const name of ['passwordVerificationSalt', 'passwordDerivedKeySalt', 'passwordVerificationHash', 'encryptedDataKey']) {
      const [row] = await rawAll(r.dataDir, "SELECT o.value, e.isSynced FROM options o JOIN entity_changes e ON e.entityName = 'options' AND e.entityId = o.name WHERE o.name = ?", [name]);
      assert.ok(row && String(row.value).length > 20, name);
      assert.equal(row.isSynced, 1);
    }
    await assert.rejects(r.setDocumentPassword('other'), isCode('INVALID_OPERATION'));
    await assert.rejects(r.unlock('wrong'), isCode('WRONG_PASSWORD'));
    assert.equal(await r.isUnlocked(), false);
    await r.unlock(PASSWORD);
    assert.equal(await r.isUnlocked(), true);
  });

  it('creates, reads, renames and edits a protected note with only ciphertext stored; locked reads show "[protected]"', async () => {
    await r.setDocumentPassword(PASSWORD);
    await assert.rejects(r.createNote({ parentNoteId: 'root', title: 'x', isProtected: true }), isCode('PROTECTED_LOCKED'));
    await r.unlock(PASSWORD);
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'MARKER-T1', content: '<p>MARKER-C1</p>', isProtected: true });
    const note = (await r.getNote(noteId))!;
    assert.equal(note.title, 'MARKER-T1');
    assert.equal(note.isProtected, 1);
    assert.equal(await r.getNoteContent(noteId), '<p>MARKER-C1</p>');
    const [raw] = await rawAll(r.dataDir, 'SELECT n.*, b.content FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE noteId = ?', [noteId]);
    assert.notEqual(raw.title, 'MARKER-T1');
    assert.ok(!String(raw.content).includes('MARKER'));
    const [ec] = await rawAll(r.dataDir, "SELECT hash FROM entity_changes WHERE entityName = 'notes' AND entityId = ?", [noteId]);
    const { content: _c, ...row } = raw;
    assert.equal(ec.hash, entityHash(getProfile(39).tables.notes, row), 'the entity hash covers the stored ciphertext');

    // Trilium's rule: a new child of a protected note is protected.
    const child = await r.createNote({ parentNoteId: noteId, title: 'MARKER-T2', content: 'MARKER-C2' });
    assert.equal((await r.getNote(child.noteId))!.isProtected, 1);
    await r.renameNote(noteId, 'MARKER-T3');
    await r.setNoteContent(noteId, '<p>MARKER-C3</p>');
    const titles = (await r.getChildren('root')).map((c) => c.title);
    assert.ok(titles.includes('MARKER-T3'));

    await r.lock();
    assert.equal((await r.getNote(noteId))!.title, '[protected]');
    assert.ok((await r.getChildren('root')).some((c) => c.noteId === noteId && c.title === '[protected]' && c.isProtected === 1));
    await assert.rejects(r.getNoteContent(noteId), isCode('PROTECTED_LOCKED'));
    await assert.rejects(r.setNoteContent(noteId, 'x'), isCode('PROTECTED_LOCKED'));
    await assert.rejects(r.renameNote(noteId, 'x'), isCode('PROTECTED_LOCKED'));
    assert.deepEqual(await r.searchTitles('MARKER'), []);
    assert.ok((await r.listAllNotes()).every((n) => !n.title.includes('MARKER')));
    assert.deepEqual(markersOnDisk(r.dataDir, ['MARKER-T', 'MARKER-C']), []);
  });

  it('a snapshot revision before an edit is encrypted too, with a fresh IV for its title', async () => {
    await r.setDocumentPassword(PASSWORD);
    await r.setOption('revisionSnapshotTimeInterval', '1', true);
    await r.unlock(PASSWORD);
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'MARKER-RT', content: 'MARKER-R1', isProtected: true });
    clock.advance(5_000);
    await r.setNoteContent(noteId, 'MARKER-R2');
    const revs = await r.getRevisions(noteId);
    assert.equal(revs.length, 1);
    assert.equal(revs[0].title, 'MARKER-RT');
    assert.equal(revs[0].isProtected, 1);
    assert.equal(await r.getRevisionContent(revs[0].revisionId), 'MARKER-R1');
    const [rawRev] = await rawAll(r.dataDir, 'SELECT title FROM revisions WHERE revisionId = ?', [revs[0].revisionId]);
    const [rawNote] = await rawAll(r.dataDir, 'SELECT title FROM notes WHERE noteId = ?', [noteId]);
    assert.notEqual(rawRev.title, rawNote.title, 'the revision title is encrypted anew, not copied');
    assert.deepEqual(markersOnDisk(r.dataDir, ['MARKER-R']), []);
    await r.lock();
    assert.equal((await r.getRevisions(noteId))[0].title, '[protected]');
    await assert.rejects(r.getRevisionContent(revs[0].revisionId), isCode('PROTECTED_LOCKED'));
  });

  it('attachments of protected notes are encrypted', async () => {
    await r.setDocumentPassword(PASSWORD);
    await r.unlock(PASSWORD);
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'a', isProtected: true });
    const id = await r.addAttachment(noteId, { role: 'file', mime: 'text/plain', title: 'MARKER-AT', content: 'MARKER-AC' });
    assert.equal((await r.getAttachments(noteId))[0].title, 'MARKER-AT');
    assert.equal(String(await r.getAttachmentContent(id)), 'MARKER-AC');
    assert.deepEqual(markersOnDisk(r.dataDir, ['MARKER-A']), []);
  });

  it('search finds protected notes only while unlocked, and the FTS tables never hold them', async () => {
    await r.setDocumentPassword(PASSWORD);
    await r.unlock(PASSWORD);
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'Zebra MARKER-S', content: '<p>quokka MARKER-SC</p>', isProtected: true });
    await r.createNote({ parentNoteId: 'root', title: 'Zebra plain', content: '<p>quokka plain</p>' });
    assert.deepEqual((await r.searchTitles('zebra')).map((x) => x.noteId).includes(noteId), true);
    const hits = await r.searchContent('quokka');
    assert.ok(hits.some((h) => h.noteId === noteId && h.snippet.includes('quokka')));
    assert.ok(hits.some((h) => h.title === 'Zebra plain'));
    const fts = await rawAll(r.dataDir, 'SELECT title, content FROM search_text');
    assert.ok(fts.every((x) => !String(x.title).includes('MARKER') && !String(x.content).includes('MARKER')));
    await r.lock();
    assert.deepEqual((await r.searchTitles('zebra')).map((x) => x.title), ['Zebra plain']);
    assert.deepEqual((await r.searchContent('quokka')).map((x) => x.title), ['Zebra plain']);
  });

  it('Protect Subtree encrypts notes, revisions and attachments and scrubs the old plaintext from the file; Unprotect reverses it', async () => {
    await r.setDocumentPassword(PASSWORD);
    const a = await r.createNote({ parentNoteId: 'root', title: 'MARKER-P1 title', content: '<p>MARKER-P1 body</p>' });
    const b = await r.createNote({ parentNoteId: a.noteId, title: 'MARKER-P2 title', content: 'MARKER-P2 body' });
    await r.saveRevision(b.noteId);
    await r.addAttachment(a.noteId, { role: 'file', mime: 'text/plain', title: 'MARKER-P3 att', content: 'MARKER-P3 data' });
    await r.searchContent('MARKER'); // the FTS index holds them now
    assert.ok(markersOnDisk(r.dataDir, ['MARKER-P1']).length > 0);
    await assert.rejects(r.protectSubtree(a.noteId, true), isCode('PROTECTED_LOCKED'));
    await r.unlock(PASSWORD);
    assert.equal(await r.protectSubtree(a.noteId, true), 2);
    await r.lock();
    assert.deepEqual(markersOnDisk(r.dataDir, ['MARKER-P1', 'MARKER-P2', 'MARKER-P3']), []);
    const revs = await rawAll(r.dataDir, 'SELECT isProtected FROM revisions WHERE noteId = ?', [b.noteId]);
    assert.deepEqual(revs.map((x) => x.isProtected), [1]);
    await r.unlock(PASSWORD);
    assert.equal(await r.getNoteContent(b.noteId), 'MARKER-P2 body');
    assert.equal(await r.protectSubtree(a.noteId, false), 2);
    await r.lock();
    assert.equal((await r.getNote(b.noteId))!.title, 'MARKER-P2 title');
    assert.equal(await r.getNoteContent(a.noteId), '<p>MARKER-P1 body</p>');
  });

  it('locks by itself after protectedSessionTimeout without protected activity, and tells listeners', async () => {
    await r.setDocumentPassword(PASSWORD);
    await r.setOption('protectedSessionTimeout', '60', true);
    await r.unlock(PASSWORD);
    const events: boolean[] = [];
    r.onDidChangeProtectedSession((u) => events.push(u));
    clock.advance(59_000);
    assert.equal(await r.isUnlocked(), true);
    clock.advance(2_000);
    assert.equal(await r.isUnlocked(), false);
    assert.deepEqual(events, [false]);
  });

  it('the real timer locks an idle session (timeout 1 s)', async () => {
    const r2 = await createReplica(tempDir(), { syncVersion: 39, kind: 'newDocument' });
    try {
      await r2.setDocumentPassword(PASSWORD);
      await r2.setOption('protectedSessionTimeout', '1', true);
      await r2.unlock(PASSWORD);
      const { noteId } = await r2.createNote({ parentNoteId: 'root', title: 't', isProtected: true });
      // The change event carries it (what a worker's host and the views see).
      const locked = new Promise<ReplicaChange>((resolve) => r2.onDidChange((c) => { if (c.protectedSession) resolve(c); }));
      const change = await locked;
      assert.equal(change.protectedSession, 'locked');
      assert.ok(change.noteIds.has(noteId) && change.parentNoteIds.has('root'));
      assert.equal(await r2.isUnlocked(), false);
    } finally {
      await r2.close();
    }
  });

  it('reads data in Trilium\'s format (options and ciphertexts from the vectors), and a damaged note fails its digest check', async () => {
    for (const [name, value] of Object.entries(V.options)) await r.setOption(name, value as string, true);
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'placeholder' });
    await rawRun(r.dataDir, "INSERT INTO blobs (blobId, content, dateModified, utcDateModified) VALUES ('vectorBlob000000001', ?, '', '')", [Buffer.from(V.content.stored)]);
    await rawRun(r.dataDir, "UPDATE notes SET title = ?, isProtected = 1, blobId = 'vectorBlob000000001' WHERE noteId = ?", [V.title.stored, noteId]);
    await assert.rejects(r.unlock('wrong'), isCode('WRONG_PASSWORD'));
    await r.unlock(V.password);
    assert.equal((await r.getNote(noteId))!.title, V.title.plain);
    assert.equal(await r.getNoteContent(noteId), V.content.plain);
    await rawRun(r.dataDir, "UPDATE blobs SET content = ? WHERE blobId = 'vectorBlob000000001'", [V.badDigest.stored]);
    await assert.rejects(r.getNoteContent(noteId), isCode('PROTECTED_DIGEST'));
    // Our writes decrypt with the same key by the same formula.
    await r.renameNote(noteId, 'renamed here');
    const [raw] = await rawAll(r.dataDir, 'SELECT title FROM notes WHERE noteId = ?', [noteId]);
    assert.equal(decryptString(Buffer.from(V.dataKeyBase64, 'base64'), String(raw.title)), 'renamed here');
  });
});
