// Shared shapes of the replica: what src/sync, src/cli.ts and the VS Code glue may rely on.
// Rows use Trilium's column names exactly (SYNC-PROTOCOL.md §5.2); booleans are stored as 0/1.

export type SqlValue = string | number | null | Buffer;
export type Row = Record<string, SqlValue>;

/** A raw `entity_changes` row, exactly the keys Trilium sends (SYNC-PROTOCOL.md §4.2). */
export interface EntityChange {
  id: number;
  entityName: string;
  entityId: string;
  hash: string;
  isErased: 0 | 1;
  changeId: string;
  componentId: string;
  instanceId: string;
  isSynced: 0 | 1;
  utcDateChanged: string;
}

/** One record of a push body or a pull response (`entity` is absent for erased changes). */
export interface SyncRecord {
  entityChange: EntityChange;
  /**
   * The raw table row, or `{branchId: notePosition}` for note_reordering. Blob content is base64 text, or a
   * Buffer of the bytes when large (records.ts LARGE_BLOB_BYTES; read from a huge pull page); JSON writers in
   * src/sync write Buffers as base64.
   */
  entity?: Row;
}

export type NoteType =
  | 'text' | 'code' | 'file' | 'image' | 'search' | 'relationMap' | 'book' | 'noteMap' | 'mermaid'
  | 'canvas' | 'webView' | 'launcher' | 'doc' | 'contentWidget' | 'mindMap' | 'geoMap' | 'render'
  | 'spreadsheet' | string;

export interface NoteRow {
  noteId: string;
  title: string;
  isProtected: number;
  type: NoteType;
  mime: string;
  blobId: string | null;
  isDeleted: number;
  deleteId: string | null;
  dateCreated: string;
  dateModified: string;
  utcDateCreated: string;
  utcDateModified: string;
}

export interface BranchRow {
  branchId: string;
  noteId: string;
  parentNoteId: string;
  notePosition: number;
  prefix: string | null;
  isExpanded: number;
  isDeleted: number;
  deleteId: string | null;
  utcDateModified: string;
}

export interface AttributeRow {
  attributeId: string;
  noteId: string;
  type: 'label' | 'relation';
  name: string;
  value: string;
  position: number;
  utcDateModified: string;
  isDeleted: number;
  deleteId: string | null;
  isInheritable: number;
}

export interface RevisionRow {
  revisionId: string;
  noteId: string;
  type: string;
  mime: string;
  title: string;
  description?: string; // sync >= 39
  source?: string; // sync >= 39
  isProtected: number;
  blobId: string | null;
  utcDateLastEdited: string;
  utcDateCreated: string;
  utcDateModified: string;
  dateLastEdited: string;
  dateCreated: string;
}

export interface AttachmentRow {
  attachmentId: string;
  ownerId: string;
  role: string;
  mime: string;
  title: string;
  isProtected: number;
  position: number;
  blobId: string | null;
  dateModified: string;
  utcDateModified: string;
  utcDateScheduledForErasureSince: string | null;
  isDeleted: number;
  deleteId: string | null;
}

/** A child as the tree shows it: the branch plus what the tree needs of the note. */
export interface TreeChild {
  branchId: string;
  noteId: string;
  parentNoteId: string;
  notePosition: number;
  prefix: string | null;
  title: string;
  type: NoteType;
  mime: string;
  isProtected: number;
  /** True when the note has at least one non-deleted child branch. */
  hasChildren: boolean;
  /** Value of the `iconClass` label, if any. */
  iconClass: string | null;
  /** Number of non-deleted parent branches of the note (> 1: a clone); optional until the replica fills it. */
  parentCount?: number;
  /** Set by getTreeChildren when the note is archived (own or inherited #archived) and archived notes are shown. */
  isArchived?: boolean;
}

/** What changed in one applied batch or local operation, so that views refresh only what they must. */
export interface ReplicaChange {
  /** Notes whose row, content, attributes or revisions changed. */
  noteIds: Set<string>;
  /** Parents whose list of children (or their order or prefixes) changed. */
  parentNoteIds: Set<string>;
  origin: 'local' | 'sync';
  /** Committed by another process on the same replica (another VS Code window, the CLI). */
  external?: boolean;
  /** The conflicts table changed (a conflict was added or resolved). */
  conflictsChanged?: boolean;
  /** The protected session was unlocked or locked (noteIds: every protected note, whose title and content changed for readers). */
  protectedSession?: 'unlocked' | 'locked';
  /** The document password's options arrived from elsewhere (a password change on another instance). */
  passwordChanged?: boolean;
  /** Nothing changed in the document: views should list again (the note index is ready for the tree's effects). */
  relist?: boolean;
}

/** A sync conflict kept in the local `conflicts` table (never synced). */
export interface ConflictRecord {
  conflictId: number;
  noteId: string | null;
  entityName: string;
  entityId: string;
  kind: 'title' | 'content' | 'title+content' | 'delete-vs-edit' | 'move' | 'attribute' | 'row';
  /** Which side lost: 'local' (a pulled change overwrote ours) or 'remote' (ours was newer). */
  loser: 'local' | 'remote';
  localUtcDateChanged: string | null;
  remoteUtcDateChanged: string | null;
  /** The revision holding the losing title/content, when there is one. */
  revisionId: string | null;
  /** JSON of both versions for row-level conflicts. */
  details: string | null;
  utcDateDetected: string;
  resolved: number;
}

/** Injected time source, so tests can skew the clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
