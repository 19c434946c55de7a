// Protected data made by a real Trilium (TriliumNext 0.103.0 on 127.0.0.1, fixtures/real-trilium/protected-0.103.json:
// its password options, two notes created in its protected session and one of ours retitled and rewritten there),
// opened by our code: the password checks, the data key decrypts, titles and contents read, the entity hashes are
// Trilium's, and a replica holding those rows shows them only while unlocked.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isTriliumError } from '../../../src/storage/errors';
import { blobHash, entityHash } from '../../../src/storage/hash';
import { getProfile } from '../../../src/storage/profiles';
import { decrypt, decryptString, encrypt, passwordMatches, unlockDataKey } from '../../../src/storage/protected';
import type { SyncRecord } from '../../../src/storage/types';
import { cleanupDirs, newDoc, rawAll } from '../storage/helpers';

interface RealNote {
  noteId: string; type: string; mime: string; blobId: string; encryptedTitle: string; encryptedContent: string;
  title: string; content: string; notesEntityChangeHash: string; blobsEntityChangeHash: string;
}
const REAL = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/real-trilium/protected-0.103.json'), 'utf8')) as {
  producedBy: { version: string }; password: string; options: Record<string, string>; notes: RealNote[];
};
const PARENTS: Record<string, string> = { KW6xjt4tK50V: 'root', GsRhPDba9CXK: 'KW6xjt4tK50V', uHd31wX8VWZw: 'root' };
const NOW = '2026-12-02 05:00:00.000Z';

function records(): SyncRecord[] {
  const profile = getProfile(39);
  let id = 0;
  const ec = (entityName: string, entityId: string, hash: string) => ({
    id: ++id, entityName, entityId, hash, isErased: 0 as const, changeId: `realChange${String(id).padStart(2, '0')}`, componentId: 'NA',
    instanceId: 'realTrilium1', isSynced: 1 as const, utcDateChanged: NOW,
  });
  const out: SyncRecord[] = [];
  for (const [name, value] of Object.entries(REAL.options)) {
    const row = { name, value, isSynced: 1, utcDateModified: NOW };
    out.push({ entityChange: ec('options', name, entityHash(profile.tables.options, row)), entity: row });
  }
  for (const n of REAL.notes) {
    // Trilium keeps a protected blob's content as the base64 text of IV + ciphertext; sync sends that text base64-encoded.
    out.push({ entityChange: ec('blobs', n.blobId, n.blobsEntityChangeHash), entity: {
      blobId: n.blobId, content: Buffer.from(n.encryptedContent).toString('base64'), textRepresentation: null, dateModified: NOW, utcDateModified: NOW } });
    const note = { noteId: n.noteId, title: n.encryptedTitle, isProtected: 1, type: n.type, mime: n.mime, blobId: n.blobId, isDeleted: 0, deleteId: null,
      dateCreated: NOW, dateModified: NOW, utcDateCreated: NOW, utcDateModified: NOW };
    out.push({ entityChange: ec('notes', n.noteId, n.notesEntityChangeHash), entity: note });
    const branch = { branchId: `${PARENTS[n.noteId]}_${n.noteId}`, noteId: n.noteId, parentNoteId: PARENTS[n.noteId], notePosition: 10, prefix: null,
      isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: NOW };
    out.push({ entityChange: ec('branches', branch.branchId, entityHash(profile.tables.branches, branch)), entity: branch });
  }
  return out;
}

describe(`protected notes: data made by a real Trilium ${REAL.producedBy.version}`, function () {
  this.timeout(60_000);
  after(cleanupDirs);

  it('its password verifies, its encryptedDataKey opens, and every title and content decrypts to what was typed there', async () => {
    assert.equal(await passwordMatches(REAL.password, REAL.options as never), true);
    await assert.rejects(unlockDataKey(`${REAL.password}x`, REAL.options), (e: unknown) => isTriliumError(e, 'WRONG_PASSWORD'));
    const key = await unlockDataKey(REAL.password, REAL.options);
    for (const n of REAL.notes) {
      assert.equal(decryptString(key, n.encryptedTitle), n.title);
      assert.equal(decrypt(key, n.encryptedContent, n.noteId)!.toString('utf8'), n.content);
      // And what we encrypt with Trilium's data key opens with the same formulas.
      assert.equal(decryptString(key, encrypt(key, Buffer.from(n.title))), n.title);
    }
  });

  it("its entity hashes: a blob's over the stored ciphertext; a note saved in a protected session over the decrypted title", async () => {
    const key = await unlockDataKey(REAL.password, REAL.options);
    const notes = getProfile(39).tables.notes;
    for (const n of REAL.notes) {
      assert.equal(blobHash(n.blobId, n.encryptedContent, null), n.blobsEntityChangeHash);
      const row = { noteId: n.noteId, isProtected: 1, type: n.type, mime: n.mime, blobId: n.blobId };
      assert.equal(entityHash(notes, { ...row, title: decryptString(key, n.encryptedTitle) }), n.notesEntityChangeHash);
      assert.notEqual(entityHash(notes, { ...row, title: n.encryptedTitle }), n.notesEntityChangeHash);
    }
  });

  it('a replica that pulled them: placeholders and ciphertext only while locked, the real notes after unlocking, verify accepts Trilium\'s hashes', async () => {
    const r = await newDoc(39);
    try {
      const outcome = await r.applyRecords(records(), { senderInstanceId: 'realTrilium1', senderSyncVersion: 39 });
      assert.equal(outcome.applied, records().length);
      const [first] = REAL.notes;
      assert.equal((await r.getNote(first.noteId))!.title, '[protected]');
      await assert.rejects(r.getNoteContent(first.noteId), (e: unknown) => isTriliumError(e, 'PROTECTED_LOCKED'));
      const locked = await r.verifyHashes();
      assert.deepEqual(locked.mismatches, []);
      assert.equal(locked.protectedLocked, REAL.notes.length, 'protected hashes wait for the session');

      await assert.rejects(r.unlock('not it'), (e: unknown) => isTriliumError(e, 'WRONG_PASSWORD'));
      await r.unlock(REAL.password);
      for (const n of REAL.notes) {
        assert.equal((await r.getNote(n.noteId))!.title, n.title);
        assert.equal(String(await r.getNoteContent(n.noteId)), n.content);
      }
      assert.deepEqual((await r.getChildren(first.noteId)).map((c) => c.title), ['Geheim ✓ code child']);
      const unlocked = await r.verifyHashes();
      assert.deepEqual(unlocked.mismatches, []);
      assert.equal(unlocked.decryptedTitle, REAL.notes.length);

      // An edit here is stored encrypted with the document's data key, which Trilium's formulas open.
      await r.setNoteContent(first.noteId, '<p>edited in VS Code ✓</p>');
      const [blob] = await rawAll(r.dataDir, 'SELECT b.content FROM blobs b JOIN notes n ON n.blobId = b.blobId WHERE n.noteId = ?', [first.noteId]);
      const stored = Buffer.isBuffer(blob.content) ? blob.content.toString('utf8') : String(blob.content);
      assert.doesNotMatch(stored, /edited in VS Code/);
      const key = await unlockDataKey(REAL.password, REAL.options);
      assert.equal(decrypt(key, stored, 'edited')!.toString('utf8'), '<p>edited in VS Code ✓</p>');
    } finally {
      await r.close();
    }
  });
});
