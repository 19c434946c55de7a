// Issue 16: the in-place migration of a replica between sync protocol profiles, on its own.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { openReplica } from '../../../src/storage';
import { dataStepsBetween } from '../../../src/storage/migrations/dataSteps';
import { schemaChanges, tablesWithNewHashColumns } from '../../../src/storage/migrations/schemaChanges';
import { getProfile } from '../../../src/storage/profiles';
import { isTriliumError } from '../../../src/storage/errors';
import { openConnection } from '../../../src/storage/db';
import { cleanupDirs, newDoc, rawAll } from './helpers';

/** Runs SQL on the file through a connection of its own, behind the replica's back (same SQLite library as the replica). */
async function rawExec(dir: string, sql: string): Promise<void> {
  const db = await openConnection(path.join(dir, 'document.db'), { create: false });
  try {
    await db.exec(`PRAGMA busy_timeout = 5000; ${sql}`);
  } finally {
    await db.close();
  }
}

function fingerprint(dir: string): string {
  const h = createHash('sha256');
  const names = readdirSync(dir).sort();
  h.update(names.join('\n'));
  for (const n of names) if (n.startsWith('document.db') && !n.endsWith('-shm')) h.update(readFileSync(path.join(dir, n)));
  return h.digest('hex');
}

describe('storage: migrating a replica between profiles (issue 16)', () => {
  after(cleanupDirs);

  it('plans the schema changes, the tables whose hash columns change and the data steps of each range', () => {
    const plan = schemaChanges(getProfile(36), getProfile(41)).map((c) => `${c.table}:${c.columns?.join(',') ?? 'new'}`);
    assert.deepEqual(plan, ['revisions:description,source', 'blobs:textRepresentation', 'flashcards:new', 'flashcard_reviews:new']);
    assert.deepEqual(schemaChanges(getProfile(32), getProfile(37)), []);
    assert.deepEqual(tablesWithNewHashColumns(getProfile(36), getProfile(39)).map((t) => t.name), ['revisions']);
    assert.deepEqual(tablesWithNewHashColumns(getProfile(39), getProfile(41)).map((t) => t.name), []);
    assert.deepEqual(dataStepsBetween(32, 41).map((s) => s.dbVersion), [232, 237, 240]);
    assert.deepEqual(dataStepsBetween(36, 39).map((s) => s.dbVersion), [237]);
    assert.deepEqual(dataStepsBetween(39, 40).map((s) => s.dbVersion), [240]);
  });

  it('36 → 41: new columns and tables, stored revision hashes kept as Trilium keeps them, versions stored; the copy opens at 36', async () => {
    const r = await newDoc(36);
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'n', content: '<p>x</p>' });
    const revisionId = await r.saveRevision(noteId);
    await r.setOption('keyboardShortcutsShowNoteRevisions', '[]', true);
    const before = await r.counts();
    const m = await r.migrateTo(41);
    assert.equal(r.syncVersion, 41);
    assert.equal(m.fromDbVersion, 234);
    assert.equal(m.toDbVersion, 244);
    assert.match(m.steps.join('\n'), /revisions\.description, revisions\.source/);
    assert.match(m.steps.join('\n'), /revisions: stored hashes kept as Trilium keeps them/);
    assert.equal(await r.getOption('dbVersion'), '244');
    assert.equal(await r.getOption('keyboardShortcutsShowNoteRevisions'), null, 'migration 237 removed it');
    const rev = (await r.getRevisions(noteId)).find((x) => x.revisionId === revisionId)!;
    assert.equal(rev.description, '');
    assert.equal(rev.source, 'auto', "Trilium's default for revisions made before 39");
    const verified = await r.verifyHashes();
    assert.deepEqual(verified.mismatches, []);
    assert.equal(verified.olderFormula, 1, 'the old revision keeps its sync-36 hash, which verify accepts');
    assert.equal((await rawAll(r.dataDir, "SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('flashcards', 'flashcard_reviews')"))[0].n, 2);
    // The copy is the replica as it was.
    assert.ok(m.backupFile && existsSync(m.backupFile));
    const copyDir = path.join(r.dataDir, 'copy');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(copyDir);
    copyFileSync(m.backupFile, path.join(copyDir, 'document.db'));
    const old = await openReplica(copyDir);
    assert.equal(old.syncVersion, 36);
    assert.deepEqual(await old.counts(), before);
    await old.close();
    // Later writes use the new profile.
    await r.saveRevision(noteId, { description: 'after', source: 'manual' });
    assert.deepEqual((await r.verifyHashes()).mismatches, []);
    assert.deepEqual(await r.discardMigrationBackups(), [m.backupFile]);
    assert.ok(!existsSync(m.backupFile));
    await r.close();
    const again = await openReplica(r.dataDir);
    assert.equal(again.syncVersion, 41);
    await again.close();
  });

  it('a migration that fails leaves the file exactly as it was, and the replica keeps working at its version', async () => {
    const r = await newDoc(36);
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'n' });
    await r.saveRevision(noteId);
    await rawExec(r.dataDir, "CREATE TRIGGER fail_migration BEFORE UPDATE ON replica_meta WHEN NEW.name = 'syncVersion' BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    await rawExec(r.dataDir, 'PRAGMA wal_checkpoint(TRUNCATE)');
    const before = fingerprint(r.dataDir);
    await assert.rejects(r.migrateTo(39), /disk says no/);
    assert.equal(r.syncVersion, 36);
    await rawExec(r.dataDir, 'PRAGMA wal_checkpoint(TRUNCATE)');
    assert.equal(fingerprint(r.dataDir), before, 'same bytes, no copy left');
    assert.deepEqual((await rawAll(r.dataDir, "SELECT name FROM pragma_table_info('revisions') WHERE name = 'description'")), []);
    await r.renameNote(noteId, 'still writable');
    assert.deepEqual((await r.verifyHashes()).mismatches, []);
    await r.close();
  });

  it('refuses to go backwards or to an unknown version, writing nothing', async () => {
    const r = await newDoc(39);
    await r.createNote({ parentNoteId: 'root', title: 'n' });
    await rawExec(r.dataDir, 'PRAGMA wal_checkpoint(TRUNCATE)');
    const before = fingerprint(r.dataDir);
    await assert.rejects(r.migrateTo(36), (e: unknown) => isTriliumError(e, 'UNSUPPORTED_VERSION') && /39.*36/.test(e.message));
    await assert.rejects(r.migrateTo(42), (e: unknown) => isTriliumError(e, 'UNSUPPORTED_VERSION'));
    assert.equal(fingerprint(r.dataDir), before);
    assert.equal(r.syncVersion, 39);
    await r.close();
  });

  it('a file another process already migrated: the replica just takes the new profile', async () => {
    const r = await newDoc(36);
    const other = await openReplica(r.dataDir);
    await other.migrateTo(39);
    await other.close();
    const m = await r.migrateTo(39);
    assert.equal(m.fromSyncVersion, 39);
    assert.equal(m.backupFile, null);
    assert.equal(r.syncVersion, 39);
    await r.saveRevision((await r.createNote({ parentNoteId: 'root', title: 'n' })).noteId, { description: 'd' });
    assert.deepEqual((await r.verifyHashes()).mismatches, []);
    await r.close();
  });
});
