// DDL for a replica: the profile's synced tables plus our local tables.
import type { SchemaProfile } from './profiles';

/**
 * Secondary indexes; dropped during an initial bulk load and rebuilt after it. Trilium's two on entity_changes,
 * and what the tree, search and conflict queries need. Queries on `isSynced = 1 AND id > ?` use the id range.
 */
export const SECONDARY_INDEXES: Array<{ name: string; sql: string; unique?: boolean }> = [
  { name: 'IDX_entity_changes_entityName_entityId', unique: true, sql: 'CREATE UNIQUE INDEX IF NOT EXISTS IDX_entity_changes_entityName_entityId ON entity_changes (entityName, entityId)' },
  { name: 'IDX_entity_changes_changeId', sql: 'CREATE INDEX IF NOT EXISTS IDX_entity_changes_changeId ON entity_changes (changeId)' },
  // Holds all a tree listing reads of a branch, a parent's live children in noteId order (see treeReads.childrenOf).
  { name: 'IDX_branches_parentNoteId_children', sql: 'CREATE INDEX IF NOT EXISTS IDX_branches_parentNoteId_children ON branches (parentNoteId, isDeleted, noteId, notePosition, branchId, prefix)' },
  { name: 'IDX_branches_noteId', sql: 'CREATE INDEX IF NOT EXISTS IDX_branches_noteId ON branches (noteId, parentNoteId)' },
  { name: 'IDX_attributes_noteId', sql: 'CREATE INDEX IF NOT EXISTS IDX_attributes_noteId ON attributes (noteId)' },
  // The tree's icons without reading attribute rows (see treeReads.childrenOf).
  { name: 'IDX_attributes_iconClass', sql: "CREATE INDEX IF NOT EXISTS IDX_attributes_iconClass ON attributes (noteId, position, value, type, name, isDeleted) WHERE type = 'label' AND name = 'iconClass' AND isDeleted = 0" },
  { name: 'IDX_attributes_name_value', sql: 'CREATE INDEX IF NOT EXISTS IDX_attributes_name_value ON attributes (name, value)' },
  { name: 'IDX_notes_title', sql: 'CREATE INDEX IF NOT EXISTS IDX_notes_title ON notes (title)' },
  { name: 'IDX_notes_blobId', sql: 'CREATE INDEX IF NOT EXISTS IDX_notes_blobId ON notes (blobId)' },
  { name: 'IDX_revisions_noteId', sql: 'CREATE INDEX IF NOT EXISTS IDX_revisions_noteId ON revisions (noteId)' },
  { name: 'IDX_revisions_blobId', sql: 'CREATE INDEX IF NOT EXISTS IDX_revisions_blobId ON revisions (blobId)' },
  { name: 'IDX_attachments_ownerId_role', sql: 'CREATE INDEX IF NOT EXISTS IDX_attachments_ownerId_role ON attachments (ownerId, role)' },
  { name: 'IDX_attachments_blobId', sql: 'CREATE INDEX IF NOT EXISTS IDX_attachments_blobId ON attachments (blobId)' },
];

/** Indexes earlier versions of the extension created and that are gone now (dropped on open). */
export const RETIRED_INDEXES = ['IDX_entity_changes_isSynced_id', 'IDX_branches_parentNoteId_notePosition'];

export function schemaSql(profile: SchemaProfile): string {
  const parts: string[] = [
    `CREATE TABLE IF NOT EXISTS entity_changes (
      id INTEGER PRIMARY KEY AUTOINCREMENT, entityName TEXT NOT NULL, entityId TEXT NOT NULL, hash TEXT NOT NULL,
      isErased INT NOT NULL, changeId TEXT NOT NULL, componentId TEXT NOT NULL, instanceId TEXT NOT NULL,
      isSynced INTEGER NOT NULL, utcDateChanged TEXT NOT NULL)`,
  ];
  for (const t of Object.values(profile.tables)) {
    const cols = t.columns.map((col) => `"${col.name}" ${col.ddl}${col.name === t.pk ? ' PRIMARY KEY' : ''}`);
    parts.push(`CREATE TABLE IF NOT EXISTS ${t.name} (${cols.join(', ')})`);
  }
  parts.push(
    'CREATE TABLE IF NOT EXISTS replica_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)',
    `CREATE TABLE IF NOT EXISTS conflicts (
      conflictId INTEGER PRIMARY KEY AUTOINCREMENT, noteId TEXT, entityName TEXT NOT NULL, entityId TEXT NOT NULL,
      kind TEXT NOT NULL, loser TEXT NOT NULL, localUtcDateChanged TEXT, remoteUtcDateChanged TEXT, revisionId TEXT,
      details TEXT, utcDateDetected TEXT NOT NULL, resolved INTEGER NOT NULL DEFAULT 0)`,
    'CREATE TABLE IF NOT EXISTS local_instances (instanceId TEXT PRIMARY KEY, utcDateOpened TEXT NOT NULL)',
    'CREATE TABLE IF NOT EXISTS search_ids (id INTEGER PRIMARY KEY, noteId TEXT NOT NULL UNIQUE)',
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(title, content, tokenize = 'unicode61 remove_diacritics 2')",
  );
  for (const ix of SECONDARY_INDEXES) parts.push(ix.sql);
  return parts.map((p) => p + ';').join('\n');
}
