// The replica: one Trilium document in <dataDir>/document.db (SYNC-PROTOCOL.md §5, §6, §8).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { TriliumError } from './errors';
import { applyBatch, validateRecords } from './apply';
import { ChangeWatch } from './changeWatch';
import {
  computeSectorHashes, entityChangeChecks, eraseUnusedBlobs, requeueSector, verifyStoredHashes,
} from './contentCheck';
import { openConnection, WriteQueue, type Connection } from './db';
import type { DriverInfo } from './driver/connection';
import { entityHash, hashedBlobId } from './hash';
import { newEntityId, randomString } from './ids';
import { getProfile, type SchemaProfile } from './profiles';
import { discardBackups, migrateDocument, TRILIUM_DB_VERSIONS, type ReplicaMigration } from './migrations';
import { buildRecords, changedForPull } from './records';
import type { ApplyOptions, ApplyResult, CreateNoteInput, DocumentInfo, ReplicaApi } from './replicaApi';
import { snapshotIfNeeded, writeRevision } from './revisions';
import { isStale, resolveStaleSave, type ContentBase, type ContentSaveResult } from './staleSave';
import { RETIRED_INDEXES, SECONDARY_INDEXES, schemaSql } from './schema';
import { ftsQuery, rebuildSearch, refreshSearch, stripTags } from './search';
import {
  systemClock, type AttachmentRow, type AttributeRow, type BranchRow, type Clock, type ConflictRecord, type EntityChange,
  type NoteRow, type ReplicaChange, type RevisionRow, type Row, type SyncRecord, type TreeChild,
} from './types';
import { WriteContext } from './writeContext';
import { saveLinks } from './links/saveLinks';
import { ReplicaQueries, type Backlink, type EffectiveAttribute, type PromotedField } from './query/replicaQueries';
import type { SearchHit, SearchOptions } from './query/search';
import { protectedBlobId, saveProtectedBlob, sealTitle, shownTitle } from './protected/entities';
import { ReplicaProtection } from './protected/replicaProtection';
import { scrubFreedPages } from './protected/scrub';

export const DB_FILE = 'document.db';

/** Trilium's database version for each sync version (stored as the local option dbVersion). */
const DB_VERSIONS = TRILIUM_DB_VERSIONS;

const DEFAULT_MIME: Record<string, string> = {
  text: 'text/html', code: 'text/plain', mermaid: 'text/vnd.mermaid', canvas: 'application/json', relationMap: 'application/json',
  mindMap: 'application/json', geoMap: 'application/json', search: 'application/json', spreadsheet: 'application/json',
  file: 'application/octet-stream', image: 'image/png',
};

/** Synced options a new document starts with (a subset of Trilium's defaults). */
const DEFAULT_SYNCED_OPTIONS: Array<[string, string]> = [
  ['revisionSnapshotTimeInterval', '600'], ['revisionSnapshotNumberLimit', '-1'], ['protectedSessionTimeout', '600'],
  ['eraseEntitiesAfterTimeInSeconds', '604800'], ['eraseUnusedAttachmentsAfterSeconds', '2592000'],
  ['imageMaxWidthHeight', '2000'], ['imageJpegQuality', '75'], ['compressImages', 'true'], ['locale', 'en'],
  ['autoReadonlySizeText', '32000'], ['autoReadonlySizeCode', '64000'],
];

export interface CreateReplicaOptions {
  syncVersion: number;
  kind: 'empty' | 'newDocument';
  clock?: Clock;
}

/**
 * Page size of new replicas. 16 KiB pages make an initial sync of a 100k-note document ~20% faster than
 * SQLite's 4 KiB (fewer WAL frames and syscalls per row) for ~1.5 ms more per local content edit (both printed by bench/apply.mjs).
 */
const PAGE_SIZE = 16384;

type Meta = 'syncVersion' | 'bulkLoad' | 'searchStale';

function normalizePrefix(prefix: string | null | undefined): string | null {
  return prefix === null || prefix === undefined || prefix.trim() === '' ? null : prefix;
}

export class Replica implements ReplicaApi {
  readonly instanceId = randomString(12);
  /** Changes only by migrateTo. */
  syncVersion: number;
  private readonly listeners = new Set<(change: ReplicaChange) => void>();
  private readonly queue: WriteQueue;
  private bulk: 'off' | 'auto' | 'active' = 'off';
  /** Every instanceId this replica has had (one per opening): changes made here, not pulled. */
  private readonly localInstanceIds = new Set<string>();
  private searchStale = false;
  private pullTail: Promise<unknown> = Promise.resolve();
  /** Trilium search, saved searches and backlinks, from an in-memory note index kept current by emit(). */
  private readonly queries = new ReplicaQueries(() => this.reader);
  private closed = false;
  private protectionInstance: ReplicaProtection | undefined;
  /** Protected notes: the session (data key in memory only) and decrypted reads. */
  private get protection(): ReplicaProtection {
    return (this.protectionInstance ??= new ReplicaProtection({
      reader: this.reader, clock: this.clock, getOption: (n) => this.getOption(n), op: (fn) => this.op(fn),
      scrub: () => this.queue.exclusive((c) => scrubFreedPages(c)),
      emit: (change) => this.emit(change),
    }));
  }
  private changeWatch: ChangeWatch | undefined;

  private constructor(
    readonly dataDir: string,
    public profile: SchemaProfile,
    private readonly writer: Connection,
    private readonly reader: Connection,
    private readonly clock: Clock,
  ) {
    this.syncVersion = profile.syncVersion;
    this.queue = new WriteQueue(writer);
  }

  // ----- lifecycle -----

  static async create(dataDir: string, opts: CreateReplicaOptions): Promise<Replica> {
    const profile = getProfile(opts.syncVersion);
    const file = path.join(dataDir, DB_FILE);
    if (existsSync(file)) {
      throw new TriliumError('REPLICA_EXISTS', `A replica already exists at ${file}.`, 'Open it instead, or choose another data directory.');
    }
    mkdirSync(dataDir, { recursive: true });
    const writer = await openConnection(file, { create: true });
    await writer.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
    await configure(writer);
    await writer.exec(schemaSql(profile));
    const r = await Replica.finishOpen(dataDir, profile, writer, opts.clock ?? systemClock);
    await r.queue.transaction(async (c) => {
      await c.run('INSERT INTO replica_meta (name, value) VALUES (?, ?)', ['syncVersion', String(profile.syncVersion)]);
      if (opts.kind === 'empty') await c.run("INSERT INTO replica_meta (name, value) VALUES ('bulkLoad', 'auto')");
      const w = r.context(c, 'local');
      const local: Array<[string, string]> = [
        ['initialized', opts.kind === 'newDocument' ? 'true' : 'false'], ['lastSyncedPull', '0'], ['lastSyncedPush', '0'],
        ['dbVersion', String(DB_VERSIONS[profile.syncVersion])], ['syncServerHost', ''], ['syncProxy', ''],
        ['syncServerTimeout', profile.syncVersion >= 39 ? '120' : '120000'],
      ];
      if (opts.kind === 'newDocument') local.push(['documentId', randomString(12)], ['documentSecret', randomBytesB64(16)]);
      for (const [name, value] of local) await w.saveRow('options', { name, value, isSynced: 0, utcDateModified: w.utcNow });
      if (opts.kind === 'newDocument') {
        for (const [name, value] of DEFAULT_SYNCED_OPTIONS) await w.saveRow('options', { name, value, isSynced: 1, utcDateModified: w.utcNow });
        const blobId = await w.saveBlob('');
        await w.saveRow('notes', {
          noteId: 'root', title: 'root', isProtected: 0, type: 'text', mime: 'text/html', blobId, isDeleted: 0, deleteId: null,
          dateCreated: w.localNow, dateModified: w.localNow, utcDateCreated: w.utcNow, utcDateModified: w.utcNow,
        });
        await w.saveRow('branches', {
          branchId: 'none_root', noteId: 'root', parentNoteId: 'none', notePosition: 10, prefix: null, isExpanded: 1,
          isDeleted: 0, deleteId: null, utcDateModified: w.utcNow,
        });
        await refreshSearch(c, ['root']);
      }
    });
    r.bulk = opts.kind === 'empty' ? 'auto' : 'off';
    return r;
  }

  static async open(dataDir: string, opts: { clock?: Clock } = {}): Promise<Replica> {
    const file = path.join(dataDir, DB_FILE);
    if (!existsSync(file)) {
      throw new TriliumError('NO_REPLICA', `No replica at ${file}.`, 'Create a new document or set up sync from a server first.');
    }
    const writer = await openConnection(file, { create: false });
    try {
      await configure(writer);
      const meta = await writer.all<{ name: string; value: string }>('SELECT name, value FROM replica_meta');
      const m = new Map(meta.map((x) => [x.name, x.value]));
      const profile = getProfile(Number(m.get('syncVersion')));
      const bulk = (m.get('bulkLoad') ?? 'off') as Replica['bulk'];
      // Re-create anything missing, except the secondary indexes while an initial load is under way.
      const ddl = schemaSql(profile).split(';\n').filter((s) => bulk !== 'active' || !/^CREATE (UNIQUE )?INDEX/.test(s.trim()));
      await writer.exec(ddl.join(';\n'));
      for (const ix of RETIRED_INDEXES) await writer.run(`DROP INDEX IF EXISTS ${ix}`);
      const r = await Replica.finishOpen(dataDir, profile, writer, opts.clock ?? systemClock);
      r.bulk = bulk;
      r.searchStale = m.get('searchStale') === '1';
      if (bulk === 'active') await writer.exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 20000');
      return r;
    } catch (e) {
      await writer.close().catch(() => undefined);
      throw e;
    }
  }

  private static async finishOpen(dataDir: string, profile: SchemaProfile, writer: Connection, clock: Clock): Promise<Replica> {
    const reader = await openConnection(path.join(dataDir, DB_FILE), { create: false });
    await reader.exec('PRAGMA busy_timeout = 10000; PRAGMA cache_size = -8192; PRAGMA query_only = 1');
    const r = new Replica(dataDir, profile, writer, reader, clock);
    await writer.run('INSERT OR IGNORE INTO local_instances (instanceId, utcDateOpened) VALUES (?, ?)',
      [r.instanceId, clock.now().toISOString().replace('T', ' ')]);
    for (const x of await writer.all<{ instanceId: string }>('SELECT instanceId FROM local_instances')) r.localInstanceIds.add(x.instanceId);
    r.changeWatch = new ChangeWatch({ inTurn: (read) => r.queue.exclusive(read), ownInstanceId: r.instanceId, emit: (change) => r.emit(change) });
    await r.changeWatch.start();
    return r;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.protectionInstance?.dispose();
    await this.changeWatch?.stop();
    await this.finishBulkLoad();
    await this.queue.drain();
    this.closed = true;
    await this.writer.exec('PRAGMA optimize').catch(() => undefined);
    await this.reader.close();
    await this.writer.close();
  }

  get driver(): DriverInfo {
    return this.writer.driver;
  }

  /** Follows a server that speaks a newer sync version, in place (src/storage/migrations). */
  async migrateTo(syncVersion: number): Promise<ReplicaMigration> {
    await this.finishBulkLoad();
    const m = await this.queue.exclusive((c) => migrateDocument(c, { dbPath: path.join(this.dataDir, DB_FILE), to: getProfile(syncVersion), now: this.clock.now() }));
    this.profile = getProfile(m.toSyncVersion);
    this.syncVersion = m.toSyncVersion;
    this.emit({ noteIds: new Set(m.removedNoteIds), parentNoteIds: new Set(m.removedNoteIds.length ? ['_hidden'] : []), origin: 'sync' });
    return m;
  }

  async discardMigrationBackups(): Promise<string[]> {
    return this.queue.exclusive((c) => discardBackups(c, this.dataDir));
  }

  onDidChange(listener: (change: ReplicaChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: ReplicaChange): void {
    if (change.noteIds.size === 0 && change.parentNoteIds.size === 0) return;
    this.queries.noteChanged(change);
    for (const l of this.listeners) {
      try { l(change); } catch { /* a listener's failure is not the replica's */ }
    }
  }

  private context(c: Connection, origin: 'local' | 'sync'): WriteContext {
    const w = new WriteContext(c, this.profile, this.instanceId, this.clock.now(), origin);
    w.dataKey = this.protectionInstance?.session.peekKey() ?? null;
    return w;
  }

  /** One local operation: a transaction with its entity changes, then the change event. */
  private async op<T>(fn: (w: WriteContext) => Promise<T>, opts: { duringBulkLoad?: boolean } = {}): Promise<T> {
    if (this.bulk === 'active' && !opts.duringBulkLoad) await this.finishBulkLoad();
    let w!: WriteContext;
    const result = await this.queue.transaction(async (c) => {
      w = this.context(c, 'local');
      const r = await fn(w);
      if (!this.searchStale && w.searchDirty.size) await refreshSearch(c, w.searchDirty);
      return r;
    });
    this.emit(w.change);
    return result;
  }

  // ----- bulk load (initial sync into an empty replica) -----

  /** Drops secondary indexes and relaxes durability for the initial sync of an empty replica. */
  private async beginBulkLoad(): Promise<void> {
    await this.queue.exclusive(async (c) => {
      const synced = await c.get<{ n: number }>('SELECT COUNT(*) AS n FROM entity_changes WHERE isSynced = 1');
      if ((synced?.n ?? 0) > 0) {
        await c.run("DELETE FROM replica_meta WHERE name = 'bulkLoad'");
        this.bulk = 'off';
        return;
      }
      for (const ix of SECONDARY_INDEXES) await c.run(`DROP INDEX IF EXISTS ${ix.name}`);
      await c.run("INSERT OR REPLACE INTO replica_meta (name, value) VALUES ('bulkLoad', 'active'), ('searchStale', '1')");
      await c.exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 20000');
      this.bulk = 'active';
      this.searchStale = true;
    });
  }

  /**
   * Ends an initial bulk load: rebuilds the indexes (keeping the newest entity change of an entity that came
   * twice) and restores durability. Runs by itself on the first local operation, sync read, empty page or close.
   */
  async finishBulkLoad(): Promise<void> {
    if (this.bulk === 'off') return;
    await this.queue.exclusive(async (c) => {
      if (this.bulk === 'off') return;
      if (this.bulk === 'active') {
        // A small cache while sorting for the index builds: the sorter spills to temp files beyond it.
        await c.exec('PRAGMA cache_size = -16384; BEGIN IMMEDIATE');
        try {
          // Build the unique index first: it fails (statement rolled back, transaction intact) only when an entity
          // came twice; then keep its newest change and build again. Saves a full grouping pass in the usual case.
          const unique = SECONDARY_INDEXES.find((ix) => ix.unique)!;
          try {
            await c.run(unique.sql);
          } catch (e) {
            if (!String((e as { code?: string }).code ?? '').startsWith('SQLITE_CONSTRAINT')) throw e;
            await c.run(`DELETE FROM entity_changes WHERE id NOT IN (SELECT MAX(id) FROM entity_changes GROUP BY entityName, entityId)`);
            await c.run(unique.sql);
          }
          for (const ix of SECONDARY_INDEXES) if (ix !== unique) await c.run(ix.sql);
          await c.run("DELETE FROM replica_meta WHERE name = 'bulkLoad'");
          await c.exec('COMMIT');
        } catch (e) {
          await c.exec('ROLLBACK').catch(() => undefined);
          throw e;
        }
        await c.exec('PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(TRUNCATE)');
      } else {
        await c.run("DELETE FROM replica_meta WHERE name = 'bulkLoad'");
      }
      this.bulk = 'off';
    });
  }

  private async ensureIndexed(): Promise<void> {
    if (this.bulk === 'active') await this.finishBulkLoad();
  }

  private async setMeta(c: Connection, name: Meta, value: string | null): Promise<void> {
    if (value === null) await c.run('DELETE FROM replica_meta WHERE name = ?', [name]);
    else await c.run('INSERT OR REPLACE INTO replica_meta (name, value) VALUES (?, ?)', [name, value]);
  }

  // ----- document and options -----

  async info(): Promise<DocumentInfo> {
    const rows = await this.reader.all<{ name: string; value: string }>(
      "SELECT name, value FROM options WHERE name IN ('documentId', 'initialized', 'lastSyncedPull', 'lastSyncedPush')");
    const m = new Map(rows.map((r) => [r.name, r.value]));
    return {
      documentId: m.get('documentId') ?? null,
      syncVersion: this.syncVersion,
      instanceId: this.instanceId,
      initialized: m.get('initialized') === 'true',
      lastSyncedPull: parseCursor(m.get('lastSyncedPull')),
      lastSyncedPush: parseCursor(m.get('lastSyncedPush')),
    };
  }

  async getOption(name: string): Promise<string | null> {
    const r = await this.reader.get<{ value: string }>('SELECT value FROM options WHERE name = ?', [name]);
    return r ? r.value : null;
  }

  async setOption(name: string, value: string, isSynced: boolean): Promise<void> {
    if (name === 'lastSyncedPull' || name === 'lastSyncedPush') return this.setCursor(name, parseCursor(value));
    if (name === 'initialized' && value === 'true') await this.finishBulkLoad();
    // Options may be written while an initial load runs: a second change row of the same option is removed
    // when the load ends (only the newest change of an entity is kept).
    await this.op(async (w) => {
      await w.saveRow('options', { name, value, isSynced: isSynced ? 1 : 0, utcDateModified: w.utcNow });
    }, { duringBulkLoad: true });
  }

  async getCursor(name: 'lastSyncedPull' | 'lastSyncedPush'): Promise<number> {
    return parseCursor((await this.getOption(name)) ?? undefined);
  }

  async setCursor(name: 'lastSyncedPull' | 'lastSyncedPush', value: number): Promise<void> {
    await this.queue.transaction((c) => writeCursor(c, name, value, this.clock.now()));
  }

  // ----- reads -----

  async getNote(noteId: string): Promise<NoteRow | null> {
    return this.protection.note((await this.reader.get<NoteRow>('SELECT * FROM notes WHERE noteId = ?', [noteId])) ?? null);
  }

  async getNoteContent(noteId: string): Promise<string | Buffer | null> {
    const r = await this.reader.get<{ content: string | Buffer | null; type: string; isProtected: number }>(
      'SELECT b.content, n.type, n.isProtected FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE n.noteId = ?', [noteId]);
    return r ? asContent(this.protection.content(r.content, r.isProtected, `Note ${noteId}`), r.type) : null;
  }

  async getChildren(parentNoteId: string, opts: { includeHidden?: boolean } = {}): Promise<TreeChild[]> {
    // One JSON row instead of 10k row objects: the driver's per-row cost dominates otherwise.
    const r = await this.reader.get<{ j: string | null }>(
      `SELECT json_group_array(json_array(branchId, noteId, notePosition, prefix, title, type, mime, isProtected, hasChildren, iconClass)) AS j
       FROM (SELECT b.branchId, b.noteId, b.notePosition, b.prefix, n.title, n.type, n.mime, n.isProtected,
         EXISTS (SELECT 1 FROM branches c WHERE c.parentNoteId = b.noteId AND c.isDeleted = 0) AS hasChildren,
         (SELECT a.value FROM attributes a WHERE a.noteId = b.noteId AND a.type = 'label' AND a.name = 'iconClass'
            AND a.isDeleted = 0 ORDER BY a.position LIMIT 1) AS iconClass
       FROM branches b JOIN notes n ON n.noteId = b.noteId
       WHERE b.parentNoteId = ? AND b.isDeleted = 0 AND n.isDeleted = 0 ${opts.includeHidden ? '' : "AND b.noteId != '_hidden'"}
       ORDER BY b.notePosition, b.branchId)`, [parentNoteId]);
    const list = JSON.parse(r?.j ?? '[]') as Array<[string, string, number, string | null, string, string, string, number, number, string | null]>;
    const out = list.map(([branchId, noteId, notePosition, prefix, title, type, mime, isProtected, hasChildren, iconClass]) => ({
      branchId, noteId, parentNoteId, notePosition, prefix, title, type, mime, isProtected, hasChildren: !!hasChildren, iconClass,
    }));
    // group_concat/json_group_array follow the subquery's order in SQLite; keep the contract even if that changed.
    out.sort((a, b) => a.notePosition - b.notePosition || (a.branchId < b.branchId ? -1 : a.branchId > b.branchId ? 1 : 0));
    return this.protection.children(out);
  }

  async getBranch(branchId: string): Promise<BranchRow | null> {
    return (await this.reader.get<BranchRow>('SELECT * FROM branches WHERE branchId = ?', [branchId])) ?? null;
  }

  async getParentBranches(noteId: string): Promise<BranchRow[]> {
    return this.reader.all<BranchRow>('SELECT * FROM branches WHERE noteId = ? AND isDeleted = 0 ORDER BY utcDateModified', [noteId]);
  }

  async getNotePaths(noteId: string): Promise<string[][]> {
    const parentsOf = new Map<string, string[]>();
    const parents = async (id: string) => {
      let p = parentsOf.get(id);
      if (!p) {
        p = (await this.reader.all<{ parentNoteId: string }>(
          `SELECT b.parentNoteId FROM branches b LEFT JOIN notes n ON n.noteId = b.parentNoteId
           WHERE b.noteId = ? AND b.isDeleted = 0 AND (b.parentNoteId = 'none' OR n.isDeleted = 0)`, [id])).map((r) => r.parentNoteId);
        parentsOf.set(id, p);
      }
      return p;
    };
    const out: string[][] = [];
    const walk = async (id: string, tail: string[]) => {
      if (out.length >= 100) return;
      if (id === 'root') { out.push(['root', ...tail]); return; }
      for (const p of await parents(id)) {
        if (p === 'none' || tail.includes(p) || p === noteId) continue;
        await walk(p, [id, ...tail]);
      }
    };
    await walk(noteId, []);
    return out;
  }

  async getAttributes(noteId: string): Promise<AttributeRow[]> {
    return this.reader.all<AttributeRow>('SELECT * FROM attributes WHERE noteId = ? AND isDeleted = 0 ORDER BY position', [noteId]);
  }

  async getRevisions(noteId: string): Promise<RevisionRow[]> {
    return this.protection.revisions(await this.reader.all<RevisionRow>('SELECT * FROM revisions WHERE noteId = ? ORDER BY utcDateCreated DESC, revisionId', [noteId]));
  }

  async getRevisionContent(revisionId: string): Promise<string | Buffer | null> {
    const r = await this.reader.get<{ content: string | Buffer | null; type: string; isProtected: number }>(
      'SELECT b.content, r.type, r.isProtected FROM revisions r JOIN blobs b ON b.blobId = r.blobId WHERE r.revisionId = ?', [revisionId]);
    return r ? asContent(this.protection.content(r.content, r.isProtected, `Revision ${revisionId}`), r.type) : null;
  }

  async getAttachments(ownerId: string): Promise<AttachmentRow[]> {
    return this.protection.attachments(await this.reader.all<AttachmentRow>('SELECT * FROM attachments WHERE ownerId = ? AND isDeleted = 0 ORDER BY position', [ownerId]));
  }

  async getAttachmentContent(attachmentId: string): Promise<string | Buffer | null> {
    const r = await this.reader.get<{ content: string | Buffer | null; isProtected: number }>(
      'SELECT b.content, a.isProtected FROM attachments a JOIN blobs b ON b.blobId = a.blobId WHERE a.attachmentId = ?', [attachmentId]);
    return r ? this.protection.content(r.content, r.isProtected, `Attachment ${attachmentId}`) : null;
  }

  async searchTitles(query: string, limit = 50): Promise<Array<{ noteId: string; title: string; type: string }>> {
    const q = query.trim();
    if (!q) return [];
    const like = `%${q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    const unlocked = await this.protection.searchTitles(q, limit);
    return unlocked.concat(await this.reader.all<{ noteId: string; title: string; type: string }>(
      `SELECT noteId, title, type FROM notes WHERE isDeleted = 0 AND isProtected = 0 AND title LIKE ? ESCAPE '\\' AND noteId NOT LIKE '\\_%' ESCAPE '\\'
       ORDER BY (lower(title) = lower(?)) DESC, (lower(title) LIKE lower(?) ESCAPE '\\') DESC, length(title), title LIMIT ?`,
      [like, q, `${q.replace(/[\\%_]/g, (m) => '\\' + m)}%`, limit])).slice(0, limit);
  }

  async searchContent(query: string, limit = 50): Promise<Array<{ noteId: string; title: string; snippet: string }>> {
    const fts = ftsQuery(query);
    if (!fts) return [];
    if (this.searchStale) {
      await this.ensureIndexed();
      await this.queue.transaction(async (c) => {
        await rebuildSearch(c);
        await this.setMeta(c, 'searchStale', null);
      });
      this.searchStale = false;
    }
    const rows = await this.reader.all<{ noteId: string; title: string; snippet: string }>(
      `SELECT s.noteId, n.title, snippet(search_text, 1, '', '', '…', 16) AS snippet
       FROM search_text JOIN search_ids s ON s.id = search_text.rowid JOIN notes n ON n.noteId = s.noteId
       WHERE search_text MATCH ? AND n.isDeleted = 0 ORDER BY rank LIMIT ?`, [fts, limit]);
    return rows.map((r) => ({ ...r, snippet: stripTags(r.snippet ?? '') })).concat(await this.protection.searchContent(query, limit)).slice(0, limit);
  }

  async search(query: string, opts?: SearchOptions): Promise<SearchHit[]> {
    await this.ensureIndexed();
    return this.queries.search(query, opts);
  }

  async runSavedSearch(noteId: string): Promise<SearchHit[]> {
    await this.ensureIndexed();
    return this.queries.savedSearch(noteId);
  }

  async getBacklinks(noteId: string): Promise<Backlink[]> {
    return this.queries.backlinks(noteId);
  }

  async getEffectiveAttributes(noteId: string): Promise<EffectiveAttribute[]> {
    return this.queries.effectiveAttributes(noteId);
  }

  async getPromotedFields(noteId: string): Promise<PromotedField[]> {
    return this.queries.promotedFields(noteId);
  }

  async listAllNotes(): Promise<Array<{ noteId: string; title: string; type: string; parentTitle: string | null }>> {
    const r = await this.reader.get<{ j: string | null }>(
      `SELECT json_group_array(json_array(noteId, title, type, parentTitle, isProtected, parentProtected)) AS j FROM (
         SELECT n.noteId, n.title, n.type, n.isProtected,
           (SELECT p.title FROM branches b JOIN notes p ON p.noteId = b.parentNoteId WHERE b.noteId = n.noteId AND b.isDeleted = 0 LIMIT 1) AS parentTitle,
           (SELECT p.isProtected FROM branches b JOIN notes p ON p.noteId = b.parentNoteId WHERE b.noteId = n.noteId AND b.isDeleted = 0 LIMIT 1) AS parentProtected
         FROM notes n WHERE n.isDeleted = 0 AND n.noteId NOT LIKE '\\_%' ESCAPE '\\' ORDER BY n.title)`);
    const list = JSON.parse(r?.j ?? '[]') as Array<[string, string, string, string | null, number, number | null]>;
    return list.map(([noteId, title, type, parentTitle, isProtected, parentProtected]) => ({
      noteId, title: this.protection.listTitle(title, isProtected), type,
      parentTitle: parentTitle === null ? null : this.protection.listTitle(parentTitle, parentProtected ?? 0),
    }));
  }

  async counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const def of Object.values(this.profile.tables)) {
      const del = def.columns.some((c) => c.name === 'isDeleted') ? ' WHERE isDeleted = 0' : '';
      out[def.name] = (await this.reader.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${def.name}${del}`))?.n ?? 0;
    }
    out.entity_changes = (await this.reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM entity_changes'))?.n ?? 0;
    out.conflicts = (await this.reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM conflicts WHERE resolved = 0'))?.n ?? 0;
    return out;
  }

  // ----- local operations -----

  private async requireNote(w: WriteContext, noteId: string): Promise<NoteRow> {
    const n = await w.getRow<NoteRow>('notes', noteId);
    if (!n) throw new TriliumError('NOT_FOUND', `Note ${noteId} does not exist.`, 'Refresh the tree; it may have been erased by a sync.');
    return n;
  }

  private async requireBranch(w: WriteContext, branchId: string): Promise<BranchRow> {
    const b = await w.getRow<BranchRow>('branches', branchId);
    if (!b) throw new TriliumError('NOT_FOUND', `Branch ${branchId} does not exist.`, 'Refresh the tree; it may have been erased by a sync.');
    return b;
  }

  /** Position for a new child: after `afterBranchId` (shifting later siblings), else last (or first with #newNotesOnTop). */
  private async newPosition(w: WriteContext, parentNoteId: string, afterBranchId?: string): Promise<number> {
    if (afterBranchId) {
      const after = await this.requireBranch(w, afterBranchId);
      await w.c.run('UPDATE branches SET notePosition = notePosition + 10 WHERE parentNoteId = ? AND notePosition > ? AND isDeleted = 0',
        [parentNoteId, after.notePosition]);
      await w.putEntityChange('note_reordering', parentNoteId, 'N/A', w.utcNow);
      w.change.parentNoteIds.add(parentNoteId);
      return after.notePosition + 10;
    }
    const onTop = await w.c.get(
      "SELECT 1 AS x FROM attributes WHERE noteId = ? AND type = 'label' AND name = 'newNotesOnTop' AND isDeleted = 0", [parentNoteId]);
    const r = await w.c.get<{ mx: number | null; mn: number | null }>(
      "SELECT MAX(notePosition) AS mx, MIN(notePosition) AS mn FROM branches WHERE parentNoteId = ? AND isDeleted = 0 AND noteId != '_hidden'",
      [parentNoteId]);
    if (onTop) return (r?.mn ?? 10) - 10;
    return (r?.mx ?? 0) + 10;
  }

  private async assertNoCycle(w: WriteContext, noteId: string, newParentNoteId: string): Promise<void> {
    if (noteId === newParentNoteId) throw new TriliumError('INVALID_OPERATION', 'A note cannot be its own parent.', 'Choose another parent.');
    const hit = await w.c.get(
      `WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT b.parentNoteId FROM branches b JOIN up ON b.noteId = up.id WHERE b.isDeleted = 0)
       SELECT 1 AS x FROM up WHERE id = ? LIMIT 1`, [newParentNoteId, noteId]);
    if (hit) {
      throw new TriliumError('INVALID_OPERATION', `Moving or cloning note ${noteId} under ${newParentNoteId} would create a cycle.`,
        'Choose a parent outside the note\'s own subtree.');
    }
  }

  private async saveNote(w: WriteContext, note: NoteRow, touch = true): Promise<void> {
    if (touch) { note.dateModified = w.localNow; note.utcDateModified = w.utcNow; }
    await w.saveRow('notes', note as unknown as Row);
    w.change.noteIds.add(note.noteId);
    w.searchDirty.add(note.noteId);
  }

  async createNote(input: CreateNoteInput): Promise<{ noteId: string; branchId: string }> {
    return this.op(async (w) => {
      const parent = await this.requireNote(w, input.parentNoteId);
      if (parent.isDeleted) throw new TriliumError('INVALID_OPERATION', `Parent note ${parent.noteId} is deleted.`, 'Undelete it first.');
      const type = input.type ?? 'text';
      const mime = input.mime ?? DEFAULT_MIME[type] ?? '';
      const noteId = newEntityId();
      const key = (input.isProtected ?? !!parent.isProtected) ? this.protection.session.requireKey('The new note') : null;
      const blobId = key ? await saveProtectedBlob(w, key, input.content ?? '') : await w.saveBlob(input.content ?? '');
      const note: NoteRow = {
        noteId, title: key ? sealTitle(key, input.title) : input.title, isProtected: key ? 1 : 0, type, mime, blobId, isDeleted: 0, deleteId: null,
        dateCreated: w.localNow, dateModified: w.localNow, utcDateCreated: w.utcNow, utcDateModified: w.utcNow,
      };
      await this.saveNote(w, note, false);
      const branchId = `${input.parentNoteId}_${noteId}`;
      const notePosition = await this.newPosition(w, input.parentNoteId, input.afterBranchId);
      await w.saveRow('branches', {
        branchId, noteId, parentNoteId: input.parentNoteId, notePosition, prefix: normalizePrefix(input.prefix),
        isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow,
      });
      w.change.parentNoteIds.add(input.parentNoteId);
      return { noteId, branchId };
    });
  }

  async renameNote(noteId: string, title: string): Promise<void> {
    await this.op(async (w) => {
      const note = await this.requireNote(w, noteId);
      const key = note.isProtected ? this.protection.session.requireKey(`Note ${noteId}`) : null;
      if (shownTitle(note.title, note.isProtected, key) === title) return;
      note.title = key ? sealTitle(key, title) : title;
      await this.saveNote(w, note);
      for (const b of await w.c.all<{ parentNoteId: string }>('SELECT parentNoteId FROM branches WHERE noteId = ? AND isDeleted = 0', [noteId])) {
        w.change.parentNoteIds.add(b.parentNoteId);
      }
    });
  }

  async setNoteContent(noteId: string, content: string | Buffer, base?: ContentBase): Promise<ContentSaveResult> {
    return this.op(async (w) => {
      const note = await this.requireNote(w, noteId);
      const key = note.isProtected ? this.protection.session.requireKey(`Note ${noteId}`) : null;
      if (note.blobId === (key ? protectedBlobId(content) : hashedBlobId(content))) return { saved: false, conflict: null };
      const saveBlob = () => (key ? saveProtectedBlob(w, key, content) : w.saveBlob(content));
      const stale = isStale(note, base) ? await resolveStaleSave(w, note, saveBlob, base!) : null;
      if (stale && !stale.saveWins) return { saved: false, conflict: stale.conflict };
      if (!stale) await snapshotIfNeeded(w, note);
      const oldBlobId = note.blobId;
      note.blobId = await saveBlob();
      await this.saveNote(w, note);
      await saveLinks(w, note, content);
      await w.deleteBlobIfUnused(oldBlobId);
      return { saved: true, conflict: stale?.conflict ?? null };
    });
  }

  async setNoteTypeMime(noteId: string, type: string, mime: string): Promise<void> {
    await this.op(async (w) => {
      const note = await this.requireNote(w, noteId);
      if (note.type === type && note.mime === mime) return;
      note.type = type;
      note.mime = mime;
      await this.saveNote(w, note);
    });
  }

  private async addBranch(w: WriteContext, noteId: string, parentNoteId: string, prefix: string | null, afterBranchId?: string): Promise<string> {
    await this.requireNote(w, noteId);
    const parent = await this.requireNote(w, parentNoteId);
    if (parent.isDeleted) throw new TriliumError('INVALID_OPERATION', `Note ${parentNoteId} is deleted.`, 'Undelete it first.');
    await this.assertNoCycle(w, noteId, parentNoteId);
    const branchId = `${parentNoteId}_${noteId}`;
    const existing = await w.getRow<BranchRow>('branches', branchId);
    if (existing && !existing.isDeleted) {
      throw new TriliumError('INVALID_OPERATION', `Note ${noteId} is already a child of ${parentNoteId}.`, 'Pick another parent.');
    }
    const notePosition = await this.newPosition(w, parentNoteId, afterBranchId);
    await w.saveRow('branches', {
      branchId, noteId, parentNoteId, notePosition, prefix: normalizePrefix(prefix), isExpanded: existing?.isExpanded ?? 0,
      isDeleted: 0, deleteId: null, utcDateModified: w.utcNow,
    });
    w.change.parentNoteIds.add(parentNoteId);
    w.change.noteIds.add(noteId);
    return branchId;
  }

  async moveBranch(branchId: string, newParentNoteId: string, afterBranchId?: string): Promise<string> {
    return this.op(async (w) => {
      const old = await this.requireBranch(w, branchId);
      if (old.isDeleted) throw new TriliumError('INVALID_OPERATION', `Branch ${branchId} is deleted.`, 'Refresh the tree.');
      if (old.parentNoteId === newParentNoteId) {
        throw new TriliumError('INVALID_OPERATION', 'The note is already under this parent.', 'Use reorder to change its position.');
      }
      const newBranchId = await this.addBranch(w, old.noteId, newParentNoteId, old.prefix, afterBranchId);
      await this.markDeleted(w, 'branches', old as unknown as Row, randomString(10));
      w.change.parentNoteIds.add(old.parentNoteId);
      return newBranchId;
    });
  }

  async cloneNote(noteId: string, parentNoteId: string, prefix: string | null = null): Promise<string> {
    return this.op((w) => this.addBranch(w, noteId, parentNoteId, prefix));
  }

  async reorderChildren(parentNoteId: string, branchIdsInOrder: string[]): Promise<void> {
    await this.op(async (w) => {
      await w.c.run(
        `UPDATE branches SET notePosition = (j.key + 1) * 10 FROM json_each(?) j
         WHERE branches.branchId = j.value AND branches.parentNoteId = ?`, [JSON.stringify(branchIdsInOrder), parentNoteId]);
      await w.putEntityChange('note_reordering', parentNoteId, 'N/A', w.utcNow);
      w.change.parentNoteIds.add(parentNoteId);
    });
  }

  async setPrefix(branchId: string, prefix: string | null): Promise<void> {
    await this.op(async (w) => {
      const b = await this.requireBranch(w, branchId);
      b.prefix = normalizePrefix(prefix);
      b.utcDateModified = w.utcNow;
      await w.saveRow('branches', b as unknown as Row);
      w.change.parentNoteIds.add(b.parentNoteId);
    });
  }

  async setExpanded(branchId: string, expanded: boolean): Promise<void> {
    await this.queue.transaction((c) => c.run('UPDATE branches SET isExpanded = ? WHERE branchId = ?', [expanded ? 1 : 0, branchId]));
  }

  private async markDeleted(w: WriteContext, table: string, row: Row, deleteId: string): Promise<void> {
    row.isDeleted = 1;
    row.deleteId = deleteId;
    row.utcDateModified = w.utcNow;
    if ('dateModified' in row) row.dateModified = w.localNow;
    await w.saveRow(table, row);
  }

  /** Trilium's deleteBranch: the note and its subtree go too when no other parent is left. */
  private async deleteBranchRec(w: WriteContext, branch: BranchRow, deleteId: string): Promise<void> {
    if (branch.branchId === 'none_root' || branch.noteId === 'root' || (branch.noteId === '_hidden' && branch.parentNoteId === 'root')) {
      throw new TriliumError('INVALID_OPERATION', `The note ${branch.noteId} cannot be deleted.`, 'Delete its children instead.');
    }
    if (!branch.isDeleted) await this.markDeleted(w, 'branches', branch as unknown as Row, deleteId);
    if (branch.parentNoteId) w.change.parentNoteIds.add(branch.parentNoteId);
    const left = await w.c.get('SELECT 1 AS x FROM branches WHERE noteId = ? AND isDeleted = 0', [branch.noteId]);
    if (left) return;
    const note = await w.getRow<NoteRow>('notes', branch.noteId);
    for (const child of await w.c.all<BranchRow>('SELECT * FROM branches WHERE parentNoteId = ? AND isDeleted = 0', [branch.noteId])) {
      await this.deleteBranchRec(w, child, deleteId);
    }
    for (const a of await w.c.all<Row>(
      "SELECT * FROM attributes WHERE isDeleted = 0 AND (noteId = ? OR (type = 'relation' AND value = ?))", [branch.noteId, branch.noteId])) {
      await this.markDeleted(w, 'attributes', a, deleteId);
      w.change.noteIds.add(String(a.noteId));
    }
    for (const a of await w.c.all<Row>('SELECT * FROM attachments WHERE ownerId = ? AND isDeleted = 0', [branch.noteId])) {
      await this.markDeleted(w, 'attachments', a, deleteId);
    }
    if (note && !note.isDeleted) {
      await this.markDeleted(w, 'notes', note as unknown as Row, deleteId);
      w.change.noteIds.add(note.noteId);
      w.searchDirty.add(note.noteId);
    }
  }

  async deleteBranch(branchId: string): Promise<string> {
    return this.op(async (w) => {
      const b = await this.requireBranch(w, branchId);
      const deleteId = randomString(10);
      await this.deleteBranchRec(w, b, deleteId);
      return deleteId;
    });
  }

  async deleteNote(noteId: string): Promise<string> {
    return this.op(async (w) => {
      const note = await this.requireNote(w, noteId);
      if (note.isDeleted) return note.deleteId ?? '';
      if (noteId === 'root' || noteId === '_hidden') {
        throw new TriliumError('INVALID_OPERATION', `The note ${noteId} cannot be deleted.`, 'Delete its children instead.');
      }
      const deleteId = randomString(10);
      const branches = await w.c.all<BranchRow>('SELECT * FROM branches WHERE noteId = ? AND isDeleted = 0', [noteId]);
      for (const b of branches) {
        const fresh = await w.getRow<BranchRow>('branches', b.branchId);
        if (fresh) await this.deleteBranchRec(w, fresh, deleteId);
      }
      if (branches.length === 0) {
        // A note without any parent left (e.g. its branches were erased by a sync): delete the note itself.
        await this.deleteBranchRec(w, { branchId: '', noteId, parentNoteId: '', isDeleted: 1 } as BranchRow, deleteId);
      }
      return deleteId;
    });
  }

  async undeleteNote(noteId: string): Promise<void> {
    await this.op(async (w) => {
      const note = await this.requireNote(w, noteId);
      if (!note.isDeleted || !note.deleteId) return;
      const parents = await w.c.all<BranchRow>(
        `SELECT b.* FROM branches b LEFT JOIN notes p ON p.noteId = b.parentNoteId
         WHERE b.noteId = ? AND b.isDeleted = 1 AND b.deleteId = ? AND (b.parentNoteId = 'none' OR p.isDeleted = 0)`,
        [noteId, note.deleteId]);
      if (parents.length === 0) {
        throw new TriliumError('INVALID_OPERATION', `Note ${noteId} cannot be undeleted: its parent is deleted too.`, 'Undelete the parent first.');
      }
      for (const b of parents) await this.undeleteBranch(w, b, note.deleteId);
    });
  }

  private async undeleteBranch(w: WriteContext, branch: BranchRow, deleteId: string): Promise<void> {
    if (!branch.isDeleted) return;
    const note = await w.getRow<NoteRow>('notes', branch.noteId);
    if (note && note.isDeleted && note.deleteId !== deleteId) return;
    await w.saveRow('branches', { ...branch, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow } as unknown as Row);
    w.change.parentNoteIds.add(branch.parentNoteId);
    if (!note || !note.isDeleted) return;
    await this.saveNote(w, { ...note, isDeleted: 0, deleteId: null });
    for (const a of await w.c.all<Row>(
      "SELECT * FROM attributes WHERE isDeleted = 1 AND deleteId = ? AND (noteId = ? OR (type = 'relation' AND value = ?))",
      [deleteId, note.noteId, note.noteId])) {
      await w.saveRow('attributes', { ...a, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow });
    }
    for (const a of await w.c.all<Row>('SELECT * FROM attachments WHERE isDeleted = 1 AND deleteId = ? AND ownerId = ?', [deleteId, note.noteId])) {
      await w.saveRow('attachments', { ...a, isDeleted: 0, deleteId: null, utcDateModified: w.utcNow, dateModified: w.localNow });
    }
    for (const child of await w.c.all<BranchRow>(
      'SELECT * FROM branches WHERE isDeleted = 1 AND deleteId = ? AND parentNoteId = ?', [deleteId, note.noteId])) {
      await this.undeleteBranch(w, child, deleteId);
    }
  }

  async addAttribute(noteId: string, type: 'label' | 'relation', name: string, value = '', isInheritable = false): Promise<string> {
    return this.op(async (w) => {
      await this.requireNote(w, noteId);
      if (!name.trim()) throw new TriliumError('INVALID_OPERATION', 'An attribute needs a name.', 'Give the attribute a name.');
      const attributeId = newEntityId();
      const r = await w.c.get<{ mx: number | null }>('SELECT MAX(position) AS mx FROM attributes WHERE noteId = ?', [noteId]);
      await w.saveRow('attributes', {
        attributeId, noteId, type, name, value: value ?? '', position: (r?.mx ?? 0) + 10, utcDateModified: w.utcNow,
        isDeleted: 0, deleteId: null, isInheritable: isInheritable ? 1 : 0,
      });
      this.touchAttributeOwner(w, noteId, name);
      return attributeId;
    });
  }

  private touchAttributeOwner(w: WriteContext, noteId: string, name: string): void {
    w.change.noteIds.add(noteId);
    if (name === 'iconClass') w.change.noteIds.add(noteId);
  }

  async updateAttribute(attributeId: string, value: string): Promise<void> {
    await this.op(async (w) => {
      const a = await w.getRow<AttributeRow>('attributes', attributeId);
      if (!a) throw new TriliumError('NOT_FOUND', `Attribute ${attributeId} does not exist.`, 'Refresh the note.');
      await w.saveRow('attributes', { ...a, value: value ?? '', utcDateModified: w.utcNow } as unknown as Row);
      this.touchAttributeOwner(w, a.noteId, a.name);
    });
  }

  async deleteAttribute(attributeId: string): Promise<void> {
    await this.op(async (w) => {
      const a = await w.getRow<Row>('attributes', attributeId);
      if (!a) throw new TriliumError('NOT_FOUND', `Attribute ${attributeId} does not exist.`, 'Refresh the note.');
      if (a.isDeleted) return;
      await this.markDeleted(w, 'attributes', a, randomString(10));
      w.change.noteIds.add(String(a.noteId));
    });
  }

  async saveRevision(noteId: string, opts: { description?: string; source?: string } = {}): Promise<string> {
    return this.op(async (w) => {
      const note = await this.requireNote(w, noteId);
      return writeRevision(w, { note, description: opts.description, source: opts.source ?? 'manual' });
    });
  }

  async addAttachment(ownerId: string, input: { role: string; mime: string; title: string; content: string | Buffer }): Promise<string> {
    return this.op(async (w) => {
      const owner = await this.requireNote(w, ownerId);
      const key = owner.isProtected ? this.protection.session.requireKey(`Note ${ownerId}`) : null;
      const attachmentId = newEntityId();
      const blobId = key ? await saveProtectedBlob(w, key, input.content) : await w.saveBlob(input.content);
      const r = await w.c.get<{ mx: number | null }>('SELECT MAX(position) AS mx FROM attachments WHERE ownerId = ?', [ownerId]);
      await w.saveRow('attachments', {
        attachmentId, ownerId, role: input.role, mime: input.mime, title: key ? sealTitle(key, input.title) : input.title, isProtected: key ? 1 : 0,
        position: (r?.mx ?? 0) + 10, blobId, dateModified: w.localNow, utcDateModified: w.utcNow,
        utcDateScheduledForErasureSince: null, isDeleted: 0, deleteId: null,
      });
      w.change.noteIds.add(ownerId);
      return attachmentId;
    });
  }

  // ----- protected notes -----

  async unlock(password: string): Promise<void> {
    await this.protection.unlock(password);
  }

  async lock(): Promise<void> {
    this.protectionInstance?.session.lock();
  }

  async isUnlocked(): Promise<boolean> {
    return this.protectionInstance?.session.isUnlocked() ?? false;
  }

  /** In-process listeners only (a worker's host sees the `protectedSession` change event instead). */
  onDidChangeProtectedSession(listener: (unlocked: boolean) => void): () => void {
    return this.protection.session.onDidChange(listener);
  }

  async protectSubtree(noteId: string, protect: boolean): Promise<number> {
    return this.protection.protectSubtree(noteId, protect);
  }

  async setDocumentPassword(password: string): Promise<void> {
    await this.protection.setDocumentPassword(password);
  }

  // ----- sync support -----

  async getChangesToPush(afterId: number, excludeInstanceId: string, limit: number): Promise<EntityChange[]> {
    await this.ensureIndexed();
    return this.reader.all<EntityChange>(
      'SELECT * FROM entity_changes WHERE isSynced = 1 AND id > ? AND instanceId != ? ORDER BY id LIMIT ?', [afterId, excludeInstanceId, limit]);
  }

  async buildRecords(changes: EntityChange[]): Promise<SyncRecord[]> {
    return buildRecords(this.reader, this.profile, changes);
  }

  async getChangedForPull(lastEntityChangeId: number, requesterInstanceId: string) {
    await this.ensureIndexed();
    // One read transaction, so the page is consistent with its cursor; pulls of several clients take turns.
    const run = this.pullTail.then(async () => {
      await this.reader.exec('BEGIN');
      try {
        return await changedForPull(this.reader, this.profile, lastEntityChangeId, requesterInstanceId);
      } finally {
        await this.reader.exec('COMMIT').catch(() => undefined);
      }
    });
    this.pullTail = run.catch(() => undefined);
    return run;
  }

  async applyRecords(records: SyncRecord[], opts: ApplyOptions, cursor?: { name: 'lastSyncedPull'; value: number }): Promise<ApplyResult> {
    validateRecords(this.profile, records, opts.senderSyncVersion);
    if (records.length === 0 && this.bulk === 'active') await this.finishBulkLoad();
    if (this.bulk === 'auto' && records.length > 0) await this.beginBulkLoad();
    const bulk = this.bulk === 'active';
    let w!: WriteContext;
    const outcome = await this.queue.transaction(async (c) => {
      w = this.context(c, 'sync');
      const o = await applyBatch(w, records, opts, bulk, this.localInstanceIds);
      if (cursor) await writeCursor(c, cursor.name, cursor.value, w.now);
      if (!bulk && !this.searchStale && w.searchDirty.size) await refreshSearch(c, w.searchDirty);
      return o;
    });
    if (bulk) {
      this.queries.invalidate();
      w.change.noteIds.add('root');
      w.change.parentNoteIds.add('root');
    }
    this.emit(w.change);
    return { ...outcome, change: w.change };
  }

  async maxSyncedEntityChangeId(): Promise<number> {
    return (await this.reader.get<{ id: number }>('SELECT id FROM entity_changes WHERE isSynced = 1 ORDER BY id DESC LIMIT 1'))?.id ?? 0;
  }

  async hasUnsentChanges(afterId: number): Promise<number> {
    return (await this.reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM entity_changes WHERE isSynced = 1 AND id > ?', [afterId]))?.n ?? 0;
  }

  async eraseUnusedBlobs(): Promise<number> {
    await this.ensureIndexed();
    return this.queue.transaction((c) => eraseUnusedBlobs(c));
  }

  async sectorHashes(): Promise<Record<string, Record<string, string>>> {
    await this.ensureIndexed();
    return this.queue.transaction(async (c) => {
      await eraseUnusedBlobs(c);
      return computeSectorHashes(c, this.profile.syncedEntityNames);
    });
  }

  async requeueSector(entityName: string, sector: string): Promise<void> {
    await this.ensureIndexed();
    await this.queue.transaction((c) => requeueSector(c, entityName.replace(/[^A-Za-z0-9_]/g, ''), sector));
  }

  async runEntityChangeChecks(): Promise<{ added: number; removed: number }> {
    await this.ensureIndexed();
    return this.queue.transaction((c) => entityChangeChecks(c, this.profile, this.instanceId));
  }

  async verifyHashes() {
    return verifyStoredHashes(this.reader, this.profile);
  }

  // ----- conflicts -----

  async listConflicts(opts: { includeResolved?: boolean } = {}): Promise<ConflictRecord[]> {
    return this.reader.all<ConflictRecord>(
      `SELECT * FROM conflicts ${opts.includeResolved ? '' : 'WHERE resolved = 0'} ORDER BY conflictId`);
  }

  async resolveConflict(conflictId: number): Promise<void> {
    await this.queue.transaction((c) => c.run('UPDATE conflicts SET resolved = 1 WHERE conflictId = ?', [conflictId]));
  }

  /** Entity hash of a row as this profile computes it (tests, CLI verify). */
  entityHashOf(table: string, row: Row, isDeleted = false): string {
    return entityHash(this.profile.tables[table], row, isDeleted);
  }
}

async function configure(c: Connection): Promise<void> {
  await c.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -16384');
}

async function writeCursor(c: Connection, name: string, value: number, now: Date): Promise<void> {
  const res = await c.run('UPDATE options SET value = ? WHERE name = ?', [String(value), name]);
  if (res.changes === 0) {
    await c.run('INSERT INTO options (name, value, isSynced, utcDateModified) VALUES (?, ?, 0, ?)',
      [name, String(value), now.toISOString().replace('T', ' ')]);
  }
}

function parseCursor(v: string | undefined | null): number {
  if (v === undefined || v === null) return 0;
  const n = Math.floor(parseFloat(v));
  return Number.isFinite(n) ? n : 0;
}

/** Text-like content comes back as a string even when sync stored it as bytes; files and images stay bytes. */
function asContent(v: string | Buffer | null, type: string): string | Buffer | null {
  if (Buffer.isBuffer(v) && type !== 'file' && type !== 'image') return v.toString('utf8');
  return v;
}

function randomBytesB64(n: number): string {
  return randomBytes(n).toString('base64');
}
