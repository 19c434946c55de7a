// Two replicas and our server: protected notes created, edited (twice), in conflict, synced; then every file of
// all three folders is searched byte by byte for the plaintext, and the other replica reads it after unlocking.
import { strict as assert } from 'node:assert';
import { isTriliumError } from '../../../src/storage/errors';
import { newClient, PASSWORD, startServer, syncAll, TempDirs, type Client } from '../sync/helpers';
import { markersOnDisk } from './diskScan';

const MARKERS = ['PLAINTEXT-TITLE-1', 'PLAINTEXT-BODY-1', 'PLAINTEXT-BODY-2', 'PLAINTEXT-BODY-3', 'PLAINTEXT-A-SIDE', 'PLAINTEXT-B-SIDE', 'PLAINTEXT-CHILD'];

describe('protected notes: sync between two replicas and our server', function () {
  this.timeout(300_000);
  const dirs = new TempDirs();
  after(() => dirs.cleanup());

  it('no plaintext in any file of either replica or the server; the other replica reads everything after unlocking', async () => {
    const serverDir = await dirs.make('trilium-server-');
    const server = await startServer(dirs, { dataDir: serverDir });
    let a: Client | undefined;
    let b: Client | undefined;
    try {
      a = await newClient(dirs, server);
      b = await newClient(dirs, server);
      await a.replica.setOption('revisionSnapshotTimeInterval', '0', true);
      await a.replica.unlock(PASSWORD);
      const { noteId } = await a.replica.createNote({ parentNoteId: 'root', title: 'PLAINTEXT-TITLE-1', content: '<p>PLAINTEXT-BODY-1</p>', isProtected: true });
      const child = await a.replica.createNote({ parentNoteId: noteId, title: 'PLAINTEXT-CHILD', content: 'PLAINTEXT-CHILD' });
      await a.replica.setNoteContent(noteId, '<p>PLAINTEXT-BODY-2</p>');
      // With an interval of 0 a revision of the same millisecond still counts as recent (Trilium's rule): two edits
      // within one millisecond (node:sqlite is that fast) would make one revision, not two.
      await new Promise((r) => setTimeout(r, 5));
      await a.replica.setNoteContent(noteId, '<p>PLAINTEXT-BODY-3</p>');
      assert.ok((await a.replica.getRevisions(noteId)).length >= 1, 'the edits made a revision');
      await syncAll([a, b]);

      // A conflict: both edit the same protected note before syncing; B's newer edit wins, A's side is kept as a revision.
      await b.replica.unlock(PASSWORD);
      await a.replica.setNoteContent(noteId, '<p>PLAINTEXT-A-SIDE</p>');
      await new Promise((r) => setTimeout(r, 20));
      await b.replica.setNoteContent(noteId, '<p>PLAINTEXT-B-SIDE</p>');
      await syncAll([b, a]);
      const conflicts = await a.replica.listConflicts();
      assert.ok(conflicts.some((c) => c.noteId === noteId && c.revisionId), 'the conflict was kept as a revision');
      await syncAll([a, b]);

      await a.replica.lock();
      await b.replica.lock();
      const found = [
        ...markersOnDisk(a.dataDir, MARKERS), ...markersOnDisk(b.dataDir, MARKERS), ...markersOnDisk(serverDir, MARKERS),
      ];
      assert.deepEqual(found, []);

      // Locked: no plaintext and no ciphertext as content.
      assert.equal((await b.replica.getNote(noteId))!.title, '[protected]');
      await assert.rejects(b.replica.getNoteContent(noteId), (e: unknown) => isTriliumError(e, 'PROTECTED_LOCKED'));

      await b.replica.unlock(PASSWORD);
      assert.equal((await b.replica.getNote(noteId))!.title, 'PLAINTEXT-TITLE-1');
      assert.equal(await b.replica.getNoteContent(noteId), '<p>PLAINTEXT-B-SIDE</p>');
      assert.equal((await b.replica.getNote(child.noteId))!.title, 'PLAINTEXT-CHILD');
      const revContents = await Promise.all((await b.replica.getRevisions(noteId)).map((r) => b!.replica.getRevisionContent(r.revisionId)));
      for (const body of ['PLAINTEXT-BODY-1', 'PLAINTEXT-BODY-2', 'PLAINTEXT-A-SIDE']) {
        assert.ok(revContents.some((c) => String(c).includes(body)), `a revision on B holds ${body}`);
      }
      const verifyA = await a.replica.verifyHashes();
      assert.deepEqual(verifyA.mismatches, []);
    } finally {
      await a?.replica.close();
      await b?.replica.close();
      await server.close();
    }
  });

  it('a password changed on one replica locks the other at its next sync; the old password no longer unlocks, the new one reads everything', async () => {
    const server = await startServer(dirs);
    let a: Client | undefined;
    let b: Client | undefined;
    try {
      a = await newClient(dirs, server);
      b = await newClient(dirs, server);
      await a.replica.unlock(PASSWORD);
      const { noteId } = await a.replica.createNote({ parentNoteId: 'root', title: 'Secret plans', content: '<p>kept</p>', isProtected: true });
      await syncAll([a, b]);
      await b.replica.unlock(PASSWORD);
      assert.equal((await b.replica.getNote(noteId))!.title, 'Secret plans');

      await assert.rejects(a.replica.changeDocumentPassword('not-the-password', 'new-pass-2'), (e: unknown) => isTriliumError(e, 'WRONG_PASSWORD'));
      await a.replica.changeDocumentPassword(PASSWORD, 'new-pass-2');
      const seen: Array<{ passwordChanged?: boolean; protectedSession?: string }> = [];
      b.replica.onDidChange((c) => seen.push({ passwordChanged: c.passwordChanged, protectedSession: c.protectedSession }));
      await syncAll([a, b]);

      assert.equal(await b.replica.isUnlocked(), false, 'B locked when the new password options arrived');
      assert.ok(seen.some((c) => c.passwordChanged), 'B announced the password change');
      assert.equal((await b.replica.getNote(noteId))!.title, '[protected]');
      await assert.rejects(b.replica.unlock(PASSWORD), (e: unknown) => isTriliumError(e, 'WRONG_PASSWORD'));
      await b.replica.unlock('new-pass-2');
      assert.equal((await b.replica.getNote(noteId))!.title, 'Secret plans');
      assert.equal(await b.replica.getNoteContent(noteId), '<p>kept</p>');
      // The data key stayed: a note B writes now reads on A with A's still-open session.
      await b.replica.setNoteContent(noteId, '<p>edited on B</p>');
      await syncAll([b, a]);
      assert.equal(await a.replica.getNoteContent(noteId), '<p>edited on B</p>');
      assert.deepEqual((await b.replica.verifyHashes()).mismatches, []);
    } finally {
      await a?.replica.close();
      await b?.replica.close();
      await server.close();
    }
  });
});
