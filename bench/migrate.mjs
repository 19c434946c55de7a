// Times the in-place migration of a big replica (issue 16): a document at sync version 36 with N notes, half of
// them with two revisions, and 200 unsynced changes, migrated to 39 (new revision columns; stored hashes kept, as
// Trilium keeps them) and then to 41. Prints the copy and migration times and the file size.
// Usage: node bench/migrate.mjs [--notes 100000] [--dir /tmp/x]
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
require('tsx/cjs');
const { createReplica, openReplica } = require('../src/storage/index.ts');
const sqlite3 = require('@vscode/sqlite3');

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v = 'true'] = a.trim().split(/\s+/); return [k, v]; }));
const NOTES = Number(args.notes ?? 100000);
const dir = args.dir ?? mkdtempSync(path.join(tmpdir(), 'trilium-bench-migrate-'));
const file = path.join(dir, 'document.db');

function exec(sql) {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (e) => {
      if (e) return reject(e);
      db.exec(sql, (err) => db.close(() => (err ? reject(err) : resolve())));
    });
  });
}

const d = "'2026-11-24 10:00:00.000Z'";
const seq = (n) => `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})`;
const ec = (entityName, idExpr, n) => `${seq(n)} INSERT INTO entity_changes (entityName, entityId, hash, isErased, changeId, componentId, instanceId, isSynced, utcDateChanged)
  SELECT '${entityName}', ${idExpr}, substr(hex(randomblob(5)), 1, 10), 0, hex(randomblob(6)), 'bench', 'srvInstance1', 1, ${d} FROM s;`;

const t0 = Date.now();
const r0 = await createReplica(dir, { syncVersion: 36, kind: 'newDocument' });
await r0.close();
await exec(`BEGIN;
  ${seq(NOTES)} INSERT INTO blobs (blobId, content, dateModified, utcDateModified) SELECT printf('b%019d', i), '<p>' || hex(randomblob(200)) || '</p>', ${d}, ${d} FROM s;
  ${seq(NOTES)} INSERT INTO notes SELECT printf('n%011d', i), 'note ' || i, 0, 'text', 'text/html', printf('b%019d', i), 0, NULL, ${d}, ${d}, ${d}, ${d} FROM s;
  ${seq(NOTES)} INSERT INTO branches SELECT printf('r%011d', i), printf('n%011d', i), 'root', i * 10, NULL, 0, 0, NULL, ${d} FROM s;
  ${seq(NOTES)} INSERT INTO revisions (revisionId, noteId, type, mime, title, isProtected, blobId, utcDateLastEdited, utcDateCreated, utcDateModified, dateLastEdited, dateCreated)
    SELECT printf('v%011d', i), printf('n%011d', (i + 1) / 2), 'text', 'text/html', 'note ' || i, 0, printf('b%019d', (i + 1) / 2), ${d}, ${d}, ${d}, ${d}, ${d} FROM s;
  ${ec('blobs', "printf('b%019d', i)", NOTES)}
  ${ec('notes', "printf('n%011d', i)", NOTES)}
  ${ec('branches', "printf('r%011d', i)", NOTES)}
  ${ec('revisions', "printf('v%011d', i)", NOTES)}
  UPDATE options SET value = (SELECT MAX(id) FROM entity_changes) WHERE name IN ('lastSyncedPush', 'lastSyncedPull');
  COMMIT; PRAGMA wal_checkpoint(TRUNCATE);`);
const r = await openReplica(dir);
for (let i = 0; i < 50; i++) {
  const { noteId } = await r.createNote({ parentNoteId: 'root', title: `offline ${i}` });
  await r.saveRevision(`n${String(i + 1).padStart(11, '0')}`);
  await r.renameNote(noteId, `offline ${i}, renamed`);
}
const mb = (n) => (n / 1048576).toFixed(0);
console.log(`document: ${NOTES.toLocaleString('en-US')} notes, ${(await r.counts()).revisions?.toLocaleString('en-US') ?? '?'} revisions, ${mb(statSync(file).size)} MB; built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
for (const to of [39, 41]) {
  const started = Date.now();
  const m = await r.migrateTo(to);
  const copyStep = m.steps.find((s) => s.startsWith('Copied'));
  console.log(`${m.fromSyncVersion} → ${to}: ${Date.now() - started} ms in all (the transaction and copy: ${m.durationMs} ms); ${m.unsyncedChangesKept} unsynced changes kept`);
  for (const s of m.steps) if (s !== copyStep) console.log(`  ${s}`);
}
await r.discardMigrationBackups();
await r.close();
if (!args.dir) rmSync(dir, { recursive: true, force: true });
