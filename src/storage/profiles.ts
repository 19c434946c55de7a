// Schema profiles: the synced tables and columns of each Trilium sync protocol version
// (SYNC-PROTOCOL.md §1.2, §5.2, §6.2, §11).
import { TriliumError } from './errors';

export interface ColumnDef {
  name: string;
  ddl: string;
}

export interface TableDef {
  name: string;
  pk: string;
  columns: ColumnDef[];
  /** Columns entering the entity hash, in order (§6.2). Empty for blobs (own formula). */
  hashed: string[];
  /** Hashed columns that Trilium holds as JS booleans in memory ("true"/"false"). */
  booleans: string[];
}

export interface SchemaProfile {
  syncVersion: number;
  /** Trilium releases speaking this version, for messages. */
  releases: string;
  tables: Record<string, TableDef>;
  /** Entity names that travel in sync, including the pseudo-entity note_reordering. */
  syncedEntityNames: string[];
  columnSet(table: string): Set<string>;
}

/** The six tables a pulled `isErased` change may delete rows from (§7.2). */
export const ERASABLE_TABLES = new Set(['notes', 'branches', 'attributes', 'revisions', 'attachments', 'blobs']);

/** Tables checked by the entity-change consistency check and requeue (§6.4). */
export const CHECKED_TABLES = ['notes', 'revisions', 'attachments', 'blobs', 'branches', 'attributes', 'etapi_tokens', 'options'];

const c = (name: string, ddl: string): ColumnDef => ({ name, ddl });

function baseTables(v: number): TableDef[] {
  const notes: TableDef = {
    name: 'notes', pk: 'noteId',
    columns: [
      c('noteId', 'TEXT NOT NULL'), c('title', 'TEXT NOT NULL DEFAULT "note"'), c('isProtected', 'INT NOT NULL DEFAULT 0'),
      c('type', "TEXT NOT NULL DEFAULT 'text'"), c('mime', "TEXT NOT NULL DEFAULT 'text/html'"), c('blobId', 'TEXT DEFAULT NULL'),
      c('isDeleted', 'INT NOT NULL DEFAULT 0'), c('deleteId', 'TEXT DEFAULT NULL'), c('dateCreated', 'TEXT NOT NULL'),
      c('dateModified', 'TEXT NOT NULL'), c('utcDateCreated', 'TEXT NOT NULL'), c('utcDateModified', 'TEXT NOT NULL'),
    ],
    hashed: ['noteId', 'title', 'isProtected', 'type', 'mime', 'blobId'], booleans: ['isProtected'],
  };
  const branches: TableDef = {
    name: 'branches', pk: 'branchId',
    columns: [
      c('branchId', 'TEXT NOT NULL'), c('noteId', 'TEXT NOT NULL'), c('parentNoteId', 'TEXT NOT NULL'),
      c('notePosition', 'INTEGER NOT NULL'), c('prefix', 'TEXT'), c('isExpanded', 'INTEGER NOT NULL DEFAULT 0'),
      c('isDeleted', 'INTEGER NOT NULL DEFAULT 0'), c('deleteId', 'TEXT DEFAULT NULL'), c('utcDateModified', 'TEXT NOT NULL'),
    ],
    hashed: ['branchId', 'noteId', 'parentNoteId', 'prefix'], booleans: [],
  };
  const attributes: TableDef = {
    name: 'attributes', pk: 'attributeId',
    columns: [
      c('attributeId', 'TEXT NOT NULL'), c('noteId', 'TEXT NOT NULL'), c('type', 'TEXT NOT NULL'), c('name', 'TEXT NOT NULL'),
      c('value', "TEXT DEFAULT '' NOT NULL"), c('position', 'INT NOT NULL DEFAULT 0'), c('utcDateModified', 'TEXT NOT NULL'),
      c('isDeleted', 'INT NOT NULL'), c('deleteId', 'TEXT DEFAULT NULL'), c('isInheritable', 'int DEFAULT 0 NULL'),
    ],
    hashed: ['attributeId', 'noteId', 'type', 'name', 'value', 'isInheritable'], booleans: ['isInheritable'],
  };
  const revCols = [
    c('revisionId', 'TEXT NOT NULL'), c('noteId', 'TEXT NOT NULL'), c('type', "TEXT DEFAULT '' NOT NULL"),
    c('mime', "TEXT DEFAULT '' NOT NULL"), c('title', 'TEXT NOT NULL'),
  ];
  if (v >= 39) revCols.push(c('description', "TEXT NOT NULL DEFAULT ''"), c('source', "TEXT NOT NULL DEFAULT 'auto'"));
  revCols.push(
    c('isProtected', 'INT NOT NULL DEFAULT 0'), c('blobId', 'TEXT DEFAULT NULL'), c('utcDateLastEdited', 'TEXT NOT NULL'),
    c('utcDateCreated', 'TEXT NOT NULL'), c('utcDateModified', 'TEXT NOT NULL'), c('dateLastEdited', 'TEXT NOT NULL'),
    c('dateCreated', 'TEXT NOT NULL'),
  );
  const revisions: TableDef = {
    name: 'revisions', pk: 'revisionId', columns: revCols,
    hashed: [
      'revisionId', 'noteId', 'title', ...(v >= 39 ? ['description', 'source'] : []), 'isProtected', 'dateLastEdited',
      'dateCreated', 'utcDateLastEdited', 'utcDateCreated', 'utcDateModified', 'blobId',
    ],
    booleans: ['isProtected'],
  };
  const attachments: TableDef = {
    name: 'attachments', pk: 'attachmentId',
    columns: [
      c('attachmentId', 'TEXT NOT NULL'), c('ownerId', 'TEXT NOT NULL'), c('role', 'TEXT NOT NULL'), c('mime', 'TEXT NOT NULL'),
      c('title', 'TEXT NOT NULL'), c('isProtected', 'INT NOT NULL DEFAULT 0'), c('position', 'INT DEFAULT 0 NOT NULL'),
      c('blobId', 'TEXT DEFAULT null'), c('dateModified', 'TEXT NOT NULL'), c('utcDateModified', 'TEXT NOT NULL'),
      c('utcDateScheduledForErasureSince', 'TEXT DEFAULT NULL'), c('isDeleted', 'INT NOT NULL'), c('deleteId', 'TEXT DEFAULT NULL'),
    ],
    hashed: ['attachmentId', 'ownerId', 'role', 'mime', 'title', 'blobId', 'utcDateScheduledForErasureSince'], booleans: [],
  };
  const blobCols = [
    c('blobId', 'TEXT NOT NULL'), c('content', 'TEXT NULL DEFAULT NULL'), c('dateModified', 'TEXT NOT NULL'),
    c('utcDateModified', 'TEXT NOT NULL'),
  ];
  if (v >= 38) blobCols.push(c('textRepresentation', 'TEXT DEFAULT NULL'));
  const blobs: TableDef = { name: 'blobs', pk: 'blobId', columns: blobCols, hashed: [], booleans: [] };
  const options: TableDef = {
    name: 'options', pk: 'name',
    columns: [
      c('name', 'TEXT NOT NULL'), c('value', 'TEXT NOT NULL'), c('isSynced', 'INTEGER DEFAULT 0 NOT NULL'),
      c('utcDateModified', 'TEXT NOT NULL'),
    ],
    hashed: ['name', 'value'], booleans: [],
  };
  const etapi: TableDef = {
    name: 'etapi_tokens', pk: 'etapiTokenId',
    columns: [
      c('etapiTokenId', 'TEXT NOT NULL'), c('name', 'TEXT NOT NULL'), c('tokenHash', 'TEXT NOT NULL'),
      c('utcDateCreated', 'TEXT NOT NULL'), c('utcDateModified', 'TEXT NOT NULL'), c('isDeleted', 'INT NOT NULL DEFAULT 0'),
    ],
    hashed: ['etapiTokenId', 'name', 'tokenHash', 'utcDateCreated', 'utcDateModified', 'isDeleted'], booleans: ['isDeleted'],
  };
  const tables = [notes, branches, attributes, revisions, attachments, blobs, options, etapi];
  if (v >= 41) tables.push(...flashcardTables());
  return tables;
}

function flashcardTables(): TableDef[] {
  const plain = (names: string[], real: string[] = []) =>
    names.map((n, i) => c(n, i === 0 ? 'TEXT NOT NULL' : real.includes(n) ? 'REAL' : ''));
  const cardCols = [
    'cardId', 'noteId', 'deckNoteId', 'ordinal', 'state', 'due', 'stability', 'difficulty', 'elapsedDays', 'scheduledDays',
    'learningSteps', 'reps', 'lapses', 'lastReview', 'suspended', 'algorithm', 'algorithmVersion', 'schedulingRevision',
    'utcDateCreated', 'utcDateModified', 'isDeleted', 'deleteId', 'schedulerConfig', 'cardType',
  ];
  const reviewCols = [
    'reviewId', 'cardId', 'rating', 'state', 'dueBefore', 'dueAfter', 'stabilityBefore', 'stabilityAfter', 'difficultyBefore',
    'difficultyAfter', 'elapsedDays', 'scheduledDays', 'learningSteps', 'reviewedAt', 'durationMs', 'algorithm',
    'algorithmVersion', 'clientRequestId', 'utcDateCreated', 'utcDateModified', 'elapsedDaysBefore', 'scheduledDaysBefore',
    'learningStepsBefore', 'repsBefore', 'lapsesBefore', 'lastReviewBefore', 'schedulingRevisionBefore',
    'schedulingRevisionAfter', 'schedulerConfig',
  ];
  return [
    {
      name: 'flashcards', pk: 'cardId',
      columns: plain(cardCols, ['stability', 'difficulty']),
      hashed: cardCols.slice(0, 21), booleans: ['suspended', 'isDeleted'],
    },
    {
      name: 'flashcard_reviews', pk: 'reviewId',
      columns: plain(reviewCols, ['stabilityBefore', 'stabilityAfter', 'difficultyBefore', 'difficultyAfter']),
      hashed: [
        'reviewId', 'cardId', 'rating', 'state', 'dueBefore', 'dueAfter', 'stabilityBefore', 'stabilityAfter', 'difficultyBefore',
        'difficultyAfter', 'elapsedDays', 'elapsedDaysBefore', 'scheduledDays', 'scheduledDaysBefore', 'learningSteps',
        'learningStepsBefore', 'repsBefore', 'lapsesBefore', 'lastReviewBefore', 'schedulingRevisionBefore',
        'schedulingRevisionAfter', 'reviewedAt', 'durationMs', 'algorithm', 'algorithmVersion', 'clientRequestId',
        'utcDateCreated', 'utcDateModified',
      ],
      booleans: [],
    },
  ];
}

const RELEASES: Record<number, string> = {
  32: 'Trilium 0.63.x', 33: 'TriliumNext 0.90.x', 34: 'TriliumNext 0.91–0.93', 35: 'TriliumNext 0.94.x',
  36: 'TriliumNext 0.95–0.102', 37: 'TriliumNext main (spreadsheet notes)', 38: 'TriliumNext main (blobs.textRepresentation)',
  39: 'TriliumNext 0.103', 40: 'TriliumNext 0.104+ (virtual help notes)', 41: 'TriliumNext 0.104+ (flashcards)',
};

const cache = new Map<number, SchemaProfile>();

export function supportedSyncVersions(): number[] {
  return Object.keys(RELEASES).map(Number).sort((a, b) => a - b);
}

export function getProfile(syncVersion: number): SchemaProfile {
  const hit = cache.get(syncVersion);
  if (hit) return hit;
  if (!Number.isInteger(syncVersion) || !(syncVersion in RELEASES)) {
    const list = supportedSyncVersions();
    throw new TriliumError(
      'UNSUPPORTED_VERSION',
      `Sync protocol version ${syncVersion} is not supported; this extension supports versions ${list[0]}–${list[list.length - 1]}.`,
      'Use a Trilium server whose sync version is one of those, or update the extension.',
    );
  }
  const tables: Record<string, TableDef> = {};
  for (const t of baseTables(syncVersion)) tables[t.name] = t;
  const sets = new Map<string, Set<string>>();
  const profile: SchemaProfile = {
    syncVersion,
    releases: RELEASES[syncVersion],
    tables,
    syncedEntityNames: [...Object.keys(tables), 'note_reordering'],
    columnSet(table: string) {
      let s = sets.get(table);
      if (!s) sets.set(table, (s = new Set(tables[table].columns.map((col) => col.name))));
      return s;
    },
  };
  cache.set(syncVersion, profile);
  return profile;
}
