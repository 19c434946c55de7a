// The contract of the replica (src/storage/replica.ts implements it). src/sync, the CLI and the
// VS Code glue program against this interface; extend it, but do not change existing members
// without updating every caller.
import type {
  AttachmentRow, AttributeRow, BranchRow, ConflictRecord, EntityChange, NoteRow, ReplicaChange,
  RevisionRow, SyncRecord, TreeChild,
} from './types';
import type { ContentBase, ContentSaveResult } from './staleSave';
import type { Backlink, EffectiveAttribute, PromotedField } from './query/replicaQueries';
import type { SearchHit, SearchOptions } from './query/search';
import type { DriverInfo } from './driver/connection';
import type { ReplicaMigration } from './migrations/report';
import type { PageJson } from './worker/pageJson';
import type { InboxPage } from './worker/pageInbox';
import type { MessagePort } from 'node:worker_threads';

export interface CreateNoteInput {
  parentNoteId: string;
  title: string;
  type?: string; // default 'text'
  mime?: string; // default by type: text → text/html, code → text/plain
  content?: string | Buffer; // default ''
  prefix?: string | null;
  /** Insert after this sibling branch; default: last (max position + 10). */
  afterBranchId?: string;
  /** Protected (encrypted; needs an unlocked session); default: protected when the parent is (Trilium's rule). */
  isProtected?: boolean;
}

export interface ApplyOptions {
  /** The instance the records come from (the server's instanceId on a client, the pusher's on the server). */
  senderInstanceId: string;
  /**
   * On a client: local changes with entity_changes.id > this value have not reached the server yet.
   * When such a change meets a pulled change to the same entity, it is a conflict (see ConflictRecord).
   * Omit on the server.
   */
  unsentAfterId?: number;
  /** The sender's sync version, when known: named in SCHEMA_MISMATCH errors. */
  senderSyncVersion?: number;
}

export interface ApplyResult {
  applied: number;
  skipped: number; // already applied (changeId) or unsynced option
  /** Local changes that were newer and are re-broadcast with a new changeId (Trilium's bounce). */
  bounced: number;
  conflicts: ConflictRecord[];
  change: ReplicaChange;
}

export interface DocumentInfo {
  documentId: string | null;
  syncVersion: number;
  instanceId: string;
  initialized: boolean;
  lastSyncedPull: number;
  lastSyncedPush: number;
}

export interface ReplicaApi {
  readonly dataDir: string;
  readonly syncVersion: number;
  /** Random per opening, 12 chars [A-Za-z0-9] (Trilium's rule); never equal to the server's. */
  readonly instanceId: string;
  /** The SQLite driver and version this replica is opened with (Test Sync and `status` show them). */
  readonly driver: DriverInfo;

  close(): Promise<void>;

  /** Subscribe to changes (local operations and applied sync batches). Returns an unsubscribe function. */
  onDidChange(listener: (change: ReplicaChange) => void): () => void;

  // ----- document and local options -----
  info(): Promise<DocumentInfo>;
  getOption(name: string): Promise<string | null>;
  /** Local (isSynced 0) or synced option; writes its entity change except for the sync cursors. */
  setOption(name: string, value: string, isSynced: boolean): Promise<void>;
  getCursor(name: 'lastSyncedPull' | 'lastSyncedPush'): Promise<number>;
  setCursor(name: 'lastSyncedPull' | 'lastSyncedPush', value: number): Promise<void>;

  // ----- reads the UI needs -----
  getNote(noteId: string): Promise<NoteRow | null>;
  getNoteContent(noteId: string): Promise<string | Buffer | null>;
  getChildren(parentNoteId: string, opts?: { includeHidden?: boolean }): Promise<TreeChild[]>;
  /**
   * The children as the note tree shows them: archived ones (own or inherited #archived) left out unless
   * `includeArchived`, the effective #iconClass, Trilium's order under a #sorted parent (#sortDirection,
   * #sortFoldersFirst, #sortNatural, #top, #bottom).
   */
  getTreeChildren(parentNoteId: string, opts?: { includeHidden?: boolean; includeArchived?: boolean }): Promise<TreeChild[]>;
  getBranch(branchId: string): Promise<BranchRow | null>;
  getParentBranches(noteId: string): Promise<BranchRow[]>;
  /** Every path from root to the note, as noteId arrays starting with 'root'. */
  getNotePaths(noteId: string): Promise<string[][]>;
  getAttributes(noteId: string): Promise<AttributeRow[]>;
  getRevisions(noteId: string): Promise<RevisionRow[]>;
  getRevisionContent(revisionId: string): Promise<string | Buffer | null>;
  getAttachments(ownerId: string): Promise<AttachmentRow[]>;
  getAttachmentContent(attachmentId: string): Promise<string | Buffer | null>;
  searchTitles(query: string, limit?: number): Promise<Array<{ noteId: string; title: string; type: string }>>;
  searchContent(query: string, limit?: number): Promise<Array<{ noteId: string; title: string; snippet: string }>>;
  /**
   * Trilium's search language (src/storage/query): matching notes, best first or in the query's orderBy, archived
   * and hidden notes left out unless asked. A query the parser rejects throws a SearchSyntaxError naming the token.
   */
  search(query: string, opts?: SearchOptions): Promise<SearchHit[]>;
  /** Results of a saved search note (type `search`): its #searchString (or content JSON searchString) and options. */
  runSavedSearch(noteId: string): Promise<SearchHit[]>;
  /** Relations of other notes pointing at the note: links derived from content and user relations. */
  getBacklinks(noteId: string): Promise<Backlink[]>;
  /** The note's attributes as Trilium applies them (own, then inherited through parents and templates, with owners). */
  getEffectiveAttributes(noteId: string): Promise<EffectiveAttribute[]>;
  /** Promoted attribute definitions that apply to the note, with its values (the fields Trilium shows). */
  getPromotedFields(noteId: string): Promise<PromotedField[]>;
  /** All non-deleted notes with one path string each (for a quick pick over 100k notes). */
  listAllNotes(): Promise<Array<{ noteId: string; title: string; type: string; parentTitle: string | null }>>;
  counts(): Promise<Record<string, number>>;

  // ----- local operations (each one transaction with its entity changes, SYNC-PROTOCOL.md §8) -----
  createNote(input: CreateNoteInput): Promise<{ noteId: string; branchId: string }>;
  renameNote(noteId: string, title: string): Promise<void>;
  /**
   * Snapshots a revision first when Trilium's revisionSnapshotTimeInterval rule says so. With `base` (the blob the
   * writer loaded), a save over text it has not seen is a conflict: the newer side wins, the other is kept as a revision.
   */
  setNoteContent(noteId: string, content: string | Buffer, base?: ContentBase): Promise<ContentSaveResult>;
  setNoteTypeMime(noteId: string, type: string, mime: string): Promise<void>;
  /** Moves a branch to a new parent (new branch, old one deleted); returns the new branchId. */
  moveBranch(branchId: string, newParentNoteId: string, afterBranchId?: string): Promise<string>;
  cloneNote(noteId: string, parentNoteId: string, prefix?: string | null): Promise<string>;
  /** Sets notePosition of the parent's children in this order and writes a note_reordering change. */
  reorderChildren(parentNoteId: string, branchIdsInOrder: string[]): Promise<void>;
  setPrefix(branchId: string, prefix: string | null): Promise<void>;
  /** Deletes a branch; the note and its subtree too when no other parent is left. Returns the deleteId. */
  deleteBranch(branchId: string): Promise<string>;
  deleteNote(noteId: string): Promise<string>;
  undeleteNote(noteId: string): Promise<void>;
  setExpanded(branchId: string, expanded: boolean): Promise<void>;
  addAttribute(noteId: string, type: 'label' | 'relation', name: string, value?: string, isInheritable?: boolean): Promise<string>;
  updateAttribute(attributeId: string, value: string): Promise<void>;
  deleteAttribute(attributeId: string): Promise<void>;
  saveRevision(noteId: string, opts?: { description?: string; source?: string }): Promise<string>;
  addAttachment(ownerId: string, input: { role: string; mime: string; title: string; content: string | Buffer }): Promise<string>;

  // ----- protected notes (src/storage/protected): the session lives with the replica, the key never leaves it -----
  /**
   * Checks the document password and opens a protected session: titles and contents of protected notes read
   * decrypted and writes to them are encrypted. It ends by lock() or after the synced option
   * protectedSessionTimeout (seconds) without a protected read or write. WRONG_PASSWORD, PROTECTED_NO_PASSWORD,
   * PROTECTED_DIGEST (the data key does not decrypt). While locked, protected titles read "[protected]", their
   * contents fail with PROTECTED_LOCKED, and writes to them fail with PROTECTED_LOCKED. Unlocking and locking (also
   * the automatic lock) emit a change with `protectedSession` set, naming every protected note.
   */
  unlock(password: string): Promise<void>;
  lock(): Promise<void>;
  isUnlocked(): Promise<boolean>;
  /** Protects (encrypts) or unprotects a note's subtree, revisions and attachments; returns how many notes changed. */
  protectSubtree(noteId: string, protect: boolean): Promise<number>;
  /** Writes Trilium's password options (with a new data key) to a document that has no password yet. */
  setDocumentPassword(password: string): Promise<void>;
  /**
   * Trilium's change of password: the data key is re-encrypted with the new password (protected notes stay as
   * they are); WRONG_PASSWORD when `oldPassword` is not the document's. Other instances lock on receiving it.
   */
  changeDocumentPassword(oldPassword: string, newPassword: string): Promise<void>;

  // ----- sync support -----
  /** Own changes to push: isSynced = 1, id > afterId, instanceId != excludeInstanceId, id order. */
  getChangesToPush(afterId: number, excludeInstanceId: string, limit: number): Promise<EntityChange[]>;
  /** Records for these changes (entity rows read now; blob content base64, a Buffer above 1 MiB; note_reordering maps). */
  buildRecords(changes: EntityChange[]): Promise<SyncRecord[]>;
  /** Changes for a pull, as a server answers /api/sync/changed (SYNC-PROTOCOL.md §4.3). */
  getChangedForPull(lastEntityChangeId: number, requesterInstanceId: string): Promise<{ entityChanges: SyncRecord[]; lastEntityChangeId: number; outstandingPullCount: number }>;
  /** Applies pulled or pushed records in ONE transaction, with `cursor` stored in the same transaction. */
  applyRecords(records: SyncRecord[], opts: ApplyOptions, cursor?: { name: 'lastSyncedPull'; value: number }): Promise<ApplyResult>;
  /**
   * applyRecords over pulled pages still in their JSON text, parsed where the replica runs (its worker thread), not
   * by the caller. Only a replica in a worker has it; `records` is how many the pages held.
   */
  applyPagesJson?(pages: PageJson[], opts: ApplyOptions, cursor: { name: 'lastSyncedPull'; value: number }): Promise<ApplyResult & { records: number }>;
  /**
   * Page bodies of a pull fetched by another thread will arrive on `port`, each as { id, json } (pageInbox.ts); a
   * later call replaces the inbox. Only a replica in a worker has it, with applyInboxPages and closePageInbox.
   */
  openPageInbox?(port: MessagePort): Promise<void>;
  /** applyPagesJson over pages whose bodies arrive (or arrived) in the inbox, named by their ids. */
  applyInboxPages?(pages: InboxPage[], opts: ApplyOptions, cursor: { name: 'lastSyncedPull'; value: number }): Promise<ApplyResult & { records: number }>;
  /** Drops the bodies not applied; an apply still waiting for one fails. */
  closePageInbox?(): Promise<void>;
  maxSyncedEntityChangeId(): Promise<number>;
  hasUnsentChanges(afterId: number): Promise<number>;
  eraseUnusedBlobs(): Promise<number>;
  sectorHashes(): Promise<Record<string, Record<string, string>>>;
  requeueSector(entityName: string, sector: string): Promise<void>;
  runEntityChangeChecks(): Promise<{ added: number; removed: number }>;
  /**
   * Ends the initial bulk load of an empty replica (indexes rebuilt, durability restored). Also happens by
   * itself on an empty applyRecords page, setOption('initialized', 'true'), any local operation, or close().
   */
  finishBulkLoad(): Promise<void>;
  /**
   * During an initial bulk load: build its indexes now, before its last pages, which are then applied as fast as
   * before (the sync fetches them meanwhile); finishBulkLoad then has none to build. Otherwise nothing.
   */
  buildIndexesDuringBulkLoad(): Promise<void>;
  /**
   * Recompute every stored entity hash (CLI `verify`). `triliumVariants` counts stored hashes that match Trilium's
   * hash of a freshly created entity (unset columns as `undefined`), which Trilium itself writes; `olderFormula`
   * those that match the hashed columns of an older sync version (kept through a migration, as Trilium keeps them);
   * `decryptedTitle` protected entities Trilium hashed over their decrypted title (checked while unlocked), and
   * `protectedLocked` protected entities whose hash differs but cannot be checked while locked.
   */
  verifyHashes(): Promise<{
    checked: number; mismatches: Array<{ entityName: string; entityId: string; stored: string; computed: string }>;
    triliumVariants?: number; olderFormula?: number; decryptedTitle?: number; protectedLocked?: number;
  }>;

  // ----- following server upgrades (issue 16) -----
  /**
   * Migrates the replica in place to a newer sync version's profile, in one transaction, after copying the file;
   * `syncVersion` changes with it. Unsynced local changes are kept and pushed by the next sync.
   */
  migrateTo(syncVersion: number): Promise<ReplicaMigration>;
  /** Deletes the copies taken before migrations (after a successful sync); returns their paths. */
  discardMigrationBackups(): Promise<string[]>;

  // ----- conflicts (local table, never synced) -----
  listConflicts(opts?: { includeResolved?: boolean }): Promise<ConflictRecord[]>;
  resolveConflict(conflictId: number): Promise<void>;
}
