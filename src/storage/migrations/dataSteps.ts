// Trilium's migrations that change synced rows or entity_changes outright (no entity change of their own), so
// a replica must repeat them to keep its sector hashes equal to the server's. Migrations that rewrite notes
// through ordinary entity changes (233 geo maps, 234 AI chats) reach the replica by sync and are not repeated.
import type { Connection } from '../db';
import { refreshSearch } from '../search';

export interface DataStep {
  /** The sync version that brings this change (the step runs when a migration crosses it). */
  syncVersion: number;
  /** Trilium's migration number, for the log. */
  dbVersion: number;
  run(c: Connection): Promise<{ line: string; removedNoteIds?: string[] }>;
}

const EMBEDDING_ENTITIES = ['note_embeddings', 'embedding_queue', 'embedding_providers'];
const OBSOLETE_OPTIONS = ['keyboardShortcutsShowNoteRevisions', 'keyboardShortcutsForceSaveNoteRevision'];

/** `col` names a note of the in-app help subtree (`_help`, `_help_…`). */
const isHelp = (col: string) => `(${col} = '_help' OR ${col} LIKE '\\_help\\_%' ESCAPE '\\')`;

async function deleteEntityChanges(c: Connection, entityName: string, where: string): Promise<number> {
  return (await c.run(`DELETE FROM entity_changes WHERE entityName = ? AND ${where}`, [entityName])).changes;
}

async function removeHelpSubtree(c: Connection): Promise<{ line: string; removedNoteIds: string[] }> {
  const noteIds = (await c.all<{ noteId: string }>(`SELECT noteId FROM notes WHERE ${isHelp('noteId')}`)).map((r) => r.noteId);
  const blobIds = (await c.all<{ blobId: string }>(
    `SELECT blobId FROM notes WHERE ${isHelp('noteId')} AND blobId IS NOT NULL
     UNION SELECT blobId FROM attachments WHERE ${isHelp('ownerId')} AND blobId IS NOT NULL
     UNION SELECT blobId FROM revisions WHERE ${isHelp('noteId')} AND blobId IS NOT NULL`)).map((r) => r.blobId);
  let changes = 0;
  changes += await deleteEntityChanges(c, 'notes', isHelp('entityId'));
  // Branch ids are parent_child: `_hidden__help` and `_help_…_help_…`; attribute ids start with their note's id.
  changes += await deleteEntityChanges(c, 'branches',
    `(entityId IN (SELECT branchId FROM branches WHERE ${isHelp('noteId')}) OR entityId = '_hidden__help' OR ${isHelp('entityId')})`);
  changes += await deleteEntityChanges(c, 'attributes',
    `(entityId IN (SELECT attributeId FROM attributes WHERE ${isHelp('noteId')}) OR entityId LIKE '\\_help\\_%' ESCAPE '\\')`);
  changes += await deleteEntityChanges(c, 'attachments', `entityId IN (SELECT attachmentId FROM attachments WHERE ${isHelp('ownerId')})`);
  changes += await deleteEntityChanges(c, 'revisions', `entityId IN (SELECT revisionId FROM revisions WHERE ${isHelp('noteId')})`);
  let rows = 0;
  rows += (await c.run(`DELETE FROM branches WHERE ${isHelp('noteId')}`)).changes;
  rows += (await c.run(`DELETE FROM attributes WHERE ${isHelp('noteId')}`)).changes;
  rows += (await c.run(`DELETE FROM attachments WHERE ${isHelp('ownerId')}`)).changes;
  rows += (await c.run(`DELETE FROM revisions WHERE ${isHelp('noteId')}`)).changes;
  rows += (await c.run(`DELETE FROM notes WHERE ${isHelp('noteId')}`)).changes;
  if (blobIds.length) {
    const unused = `SELECT j.value FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM notes WHERE blobId = j.value)
      AND NOT EXISTS (SELECT 1 FROM attachments WHERE blobId = j.value) AND NOT EXISTS (SELECT 1 FROM revisions WHERE blobId = j.value)`;
    const ids = JSON.stringify(blobIds);
    changes += (await c.run(`DELETE FROM entity_changes WHERE entityName = 'blobs' AND entityId IN (${unused})`, [ids])).changes;
    rows += (await c.run(`DELETE FROM blobs WHERE blobId IN (${unused})`, [ids])).changes;
  }
  await refreshSearch(c, noteIds);
  return {
    line: `The in-app help subtree is virtual from now on: removed ${noteIds.length} help notes (${rows} rows, ${changes} entity changes); they are never pushed.`,
    removedNoteIds: noteIds,
  };
}

export const DATA_STEPS: DataStep[] = [
  {
    syncVersion: 36, dbVersion: 232,
    async run(c) {
      const marks = EMBEDDING_ENTITIES.map(() => '?').join(', ');
      const n = (await c.run(`DELETE FROM entity_changes WHERE entityName IN (${marks})`, EMBEDDING_ENTITIES)).changes;
      for (const t of EMBEDDING_ENTITIES) await c.run(`DROP TABLE IF EXISTS ${t}`);
      return { line: `Note embeddings are gone (${n} entity changes removed).` };
    },
  },
  {
    syncVersion: 39, dbVersion: 237,
    async run(c) {
      const marks = OBSOLETE_OPTIONS.map(() => '?').join(', ');
      const rows = (await c.run(`DELETE FROM options WHERE name IN (${marks})`, OBSOLETE_OPTIONS)).changes;
      await c.run(`DELETE FROM entity_changes WHERE entityName = 'options' AND entityId IN (${marks})`, OBSOLETE_OPTIONS);
      return { line: `Removed ${rows} obsolete keyboard-shortcut option${rows === 1 ? '' : 's'}.` };
    },
  },
  { syncVersion: 40, dbVersion: 240, run: removeHelpSubtree },
];

/** The data steps a migration from `from` to `to` crosses, in order. */
export function dataStepsBetween(from: number, to: number): DataStep[] {
  return DATA_STEPS.filter((s) => s.syncVersion > from && s.syncVersion <= to);
}
