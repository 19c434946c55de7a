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
import { entityHash } from './hash';
import { randomString } from './ids';
import { getProfile, type SchemaProfile } from './profiles';
import { discardBackups, migrateDocument, TRILIUM_DB_VERSIONS, type ReplicaMigration } from './migrations';
import { buildRecords, changedForPull } from './records';
import type { ApplyOptions, ApplyResult, CreateNoteInput, DocumentInfo, ReplicaApi } from './replicaApi';
import type { ContentBase, ContentSaveResult } from './staleSave';
import { RETIRED_INDEXES, SECONDARY_INDEXES, schemaSql } from './schema';
import { buildSecondaryIndexes, hasUniqueChangeIndex } from './bulkIndexes';
import { BackgroundFlush } from './backgroundFlush';
import { ftsQuery, rebuildSearch, refreshSearch } from './search';
import {
  systemClock, type AttachmentRow, type AttributeRow, type BranchRow, type Clock, type ConflictRecord, type EntityChange,
  type NoteRow, type ReplicaChange, type RevisionRow, type Row, type SyncRecord, type TreeChild,
} from './types';
import * as ops from './operations';
import * as reads from './treeReads';
import { WriteContext } from './writeContext';
import { ReplicaQueries, type Backlink, type EffectiveAttribute, type PromotedField } from './query/replicaQueries';
import type { SearchHit, SearchOptions } from './query/search';
import { ReplicaProtection } from './protected/replicaProtection';
import { scrubFreedPages } from './protected/scrub';
import { decrypt } from './protected/cipher';
import { shownTitle } from './protected/entities';

export const DB_FILE = 'document.db';

/** Trilium's database version for each sync version (stored as the local option dbVersion). */
const DB_VERSIONS = TRILIUM_DB_VERSIONS;

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
/**
 * During an initial load: no syncs, an 8 MB cache, and the WAL copied into the database every 10000 pages (160 MB)
 * as the load goes, where the worker waits for pages anyway. Each commit rewrites every leaf of the random-keyed
 * primary-key indexes it touches, so a page reaches the WAL many times; fewer checkpoints copy it to the database
 * fewer times (100k notes: 512 MB written instead of 551 MB with 2000 pages). With 20000 pages the load ended with
 * its whole database in the WAL, and copying it took 0.2-1.1 s after the last page. The cache: 100k notes, an 8 MB
 * cache took ~20% less CPU for the load than 64 MB and ~55 MB less RSS, for ~60 MB more read back from the WAL and
 * the file (4 MB: ~150 MB more read, no less CPU); the writes are the same.
 */
const BULK_LOAD_PRAGMAS = 'PRAGMA synchronous = OFF; PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 10000';
/** The page cache of the connection most reads run on. */
const READER_CACHE_KIB = 8192;
/**
 * The page cache of the connection that lists children (treeReads.childrenOf). Until a cache is full, each page read
 * into it takes memory the process has not touched yet, and each 4 KiB of that is a page fault: ~15 µs on the 2-core
 * VM of the benches, where the first listing of 10k children into an 8 MB cache (~560 pages of 16 KiB) spent more on
 * faults than on the query. childrenOf reads its pages in order, each about once, so a small cache serves it.
 */
const TREE_CACHE_KIB = 2048;
/** After the tree's first listing with a cold note index, how long until the index loads in the background. */
const TREE_WARM_UP_DELAY_MS = 1500;

type Meta = 'syncVersion' | 'bulkLoad' | 'searchStale';

export class Replica implements ReplicaApi {
  readonly instanceId = randomString(12);
  /** Changes only by migrateTo. */
  syncVersion: number;
  private readonly listeners = new Set<(change: ReplicaChange) => void>();
  private readonly queue: WriteQueue;
  private bulk: 'off' | 'auto' | 'active' = 'off';
  /** During a bulk load: its indexes were built before its last pages (buildIndexesDuringBulkLoad). */
  private bulkIndexed = false;
  private bulkFlush: BackgroundFlush | undefined;
  /** The database file's sync after a bulk load ended (see finishBulkLoad). */
  private durable: Promise<void> | undefined;
  /** Every instanceId this replica has had (one per opening): changes made here, not pulled. */
  private readonly localInstanceIds = new Set<string>();
  private searchStale = false;
  private pullTail: Promise<unknown> = Promise.resolve();
  /** Trilium search, saved searches and backlinks, from an in-memory note index kept current by emit(). */
  private readonly queries = new ReplicaQueries(() => this.reader);
  private closed = false;
  private protectionInstance: ReplicaProtection | undefined;
  private warming: Promise<void> | null = null;
  /** Protected notes: the session (data key in memory only) and decrypted reads. */
  private get protection(): ReplicaProtection {
    return (this.protectionInstance ??= new ReplicaProtection({
      reader: this.reader, clock: this.clock, getOption: (n) => this.getOption(n), op: (fn) => this.op(fn),
      scrub: () => this.queue.exclusive((c) => scrubFreedPages(c)),
      emit: (change) => this.emit(change),
    }));
  }
  private changeWatch: ChangeWatch | undefined;
  private readonly keyFor = (what: string): Buffer => this.protection.session.requireKey(what);

  private constructor(
    readonly dataDir: string,
    public profile: SchemaProfile,
    private readonly writer: Connection,
    private readonly reader: Connection,
    private readonly treeReader: Connection,
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
      r.bulkIndexed = bulk === 'active' && (await hasUniqueChangeIndex(writer));
      r.searchStale = m.get('searchStale') === '1';
      if (bulk === 'active') await writer.exec(BULK_LOAD_PRAGMAS);
      return r;
    } catch (e) {
      await writer.close().catch(() => undefined);
      throw e;
    }
  }

  private static async finishOpen(dataDir: string, profile: SchemaProfile, writer: Connection, clock: Clock): Promise<Replica> {
    const readers: Connection[] = [];
    try {
      readers.push(await openReader(path.join(dataDir, DB_FILE), READER_CACHE_KIB));
      readers.push(await openReader(path.join(dataDir, DB_FILE), TREE_CACHE_KIB));
      const r = new Replica(dataDir, profile, writer, readers[0], readers[1], clock);
      await writer.run('INSERT OR IGNORE INTO local_instances (instanceId, utcDateOpened) VALUES (?, ?)',
        [r.instanceId, clock.now().toISOString().replace('T', ' ')]);
      for (const x of await writer.all<{ instanceId: string }>('SELECT instanceId FROM local_instances')) r.localInstanceIds.add(x.instanceId);
      r.changeWatch = new ChangeWatch({ inTurn: (read) => r.queue.exclusive(read), ownInstanceId: r.instanceId, emit: (change) => r.emit(change) });
      await r.changeWatch.start();
      return r;
    } catch (e) {
      // the readers opened here are closed here (open() closes its writer itself)
      for (const c of readers) await c.close().catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.protectionInstance?.dispose();
    await this.changeWatch?.stop();
    await this.finishBulkLoad();
    await this.queue.drain();
    await this.bulkFlush?.settle();
    this.closed = true;
    await this.writer.exec('PRAGMA optimize').catch(() => undefined);
    await this.treeReader.close();
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
    if (change.passwordChanged) this.protectionInstance?.passwordChangedElsewhere();
    if (change.noteIds.size === 0 && change.parentNoteIds.size === 0 && !change.passwordChanged) return;
    if (!change.relist) this.queries.noteChanged(change);
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
      await c.exec(BULK_LOAD_PRAGMAS);
      this.bulk = 'active';
      this.searchStale = true;
    });
  }

  /**
   * Ends an initial bulk load: rebuilds the indexes (keeping the newest entity change of an entity that came
   * twice) and restores durability (the database file's sync ends on the thread pool: marking the replica initialized
   * and closing it wait for it). Runs by itself on the first local operation, sync read, empty page or close.
   */
  async finishBulkLoad(): Promise<void> {
    if (this.bulk === 'off') return;
    await this.queue.exclusive(async (c) => {
      if (this.bulk === 'off') return;
      if (this.bulk === 'active') {
        await c.exec('BEGIN IMMEDIATE');
        try {
          if (!this.bulkIndexed) await buildSecondaryIndexes(c);
          await c.run("DELETE FROM replica_meta WHERE name = 'bulkLoad'");
          await c.exec('COMMIT');
        } catch (e) {
          await c.exec('ROLLBACK').catch(() => undefined);
          throw e;
        }
        // The log goes into the database unsynced, and the database is synced on the thread pool meanwhile: durable
        // again once `durable` resolves, which marking the replica initialized and closing it wait for.
        await c.exec('PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA synchronous = NORMAL');
        this.durable = this.flusher().flushNow();
        this.durable.catch(() => undefined);
      } else {
        await c.run("DELETE FROM replica_meta WHERE name = 'bulkLoad'");
      }
      this.bulk = 'off';
      this.bulkIndexed = false;
    });
  }

  private flusher(): BackgroundFlush {
    return (this.bulkFlush ??= new BackgroundFlush([path.join(this.dataDir, DB_FILE), path.join(this.dataDir, `${DB_FILE}-wal`)]));
  }

  /**
   * Builds the secondary indexes of an initial load before its last pages (the sync fetches those meanwhile), which
   * are then applied as fast as before, each keeping only the newest change of an entity. The load stays a bulk load
   * (durability, cache) until finishBulkLoad, which then has no index to build.
   */
  async buildIndexesDuringBulkLoad(): Promise<void> {
    if (this.bulk !== 'active' || this.bulkIndexed) return;
    await this.queue.exclusive(async (c) => {
      if (this.bulk !== 'active' || this.bulkIndexed) return;
      await c.exec('BEGIN IMMEDIATE');
      try {
        await buildSecondaryIndexes(c);
        await c.exec('COMMIT');
      } catch (e) {
        await c.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
      // The index pages, ~8,000 of 100k notes, go to the database now, while pages still arrive: the checkpoint that
      // ends the load copies only what came after (no fsync here; that checkpoint syncs).
      await c.get('PRAGMA wal_checkpoint(PASSIVE)');
      await c.exec(BULK_LOAD_PRAGMAS);
      this.bulkIndexed = true;
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
    if (name === 'initialized' && value === 'true') {
      await this.finishBulkLoad();
      await this.durable;
    }
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
    return this.protection.children(await reads.childrenOf(this.treeReader, parentNoteId, opts.includeHidden ?? false));
  }

  async getTreeChildren(parentNoteId: string, opts: { includeHidden?: boolean; includeArchived?: boolean } = {}): Promise<TreeChild[]> {
    const children = await this.getChildren(parentNoteId, opts);
    const ownLabelsOnly = !this.queries.indexWarm && (await this.isLargeForTree());
    const shown = await this.queries.treeChildren(parentNoteId, children, { includeArchived: opts.includeArchived ?? false, ownLabelsOnly });
    if (ownLabelsOnly) this.warmIndexForTree();
    return shown;
  }

  /** Documents from this many notes on list the tree from own labels while the note index loads (seconds at 100k). */
  static treeIndexColdNotes = 20_000;
  private largeForTree: boolean | null = null;

  private async isLargeForTree(): Promise<boolean> {
    if (this.largeForTree === null || this.bulk !== 'off') {
      const n = (await this.reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM notes'))?.n ?? 0;
      this.largeForTree = n >= Replica.treeIndexColdNotes;
    }
    return this.largeForTree;
  }

  /**
   * The tree lists with the notes' own labels until the note index is loaded (or has taken the latest changes), then
   * relists with inherited ones. Not during an initial sync's bulk load: every page of it would start a whole load.
   */
  private warmIndexForTree(): void {
    if (this.warming || this.bulk !== 'off') return;
    // a moment later, so the first listings of a window that is opening are not queued behind the load
    this.warming = new Promise<void>((resolve) => setTimeout(resolve, TREE_WARM_UP_DELAY_MS).unref?.())
      .then(() => (this.closed || this.queries.indexWarm ? undefined : this.queries.warmIndex()
        .then(() => this.emit({ noteIds: new Set(), parentNoteIds: new Set(['root']), origin: 'sync', relist: true }))))
      .catch(() => undefined)
      .finally(() => { this.warming = null; });
  }

  async getBranch(branchId: string): Promise<BranchRow | null> {
    return (await this.reader.get<BranchRow>('SELECT * FROM branches WHERE branchId = ?', [branchId])) ?? null;
  }

  async getParentBranches(noteId: string): Promise<BranchRow[]> {
    return this.reader.all<BranchRow>('SELECT * FROM branches WHERE noteId = ? AND isDeleted = 0 ORDER BY utcDateModified', [noteId]);
  }

  async getNotePaths(noteId: string): Promise<string[][]> {
    return reads.notePaths(this.reader, noteId);
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
    const unlocked = await this.protection.searchTitles(q, limit);
    return unlocked.concat(await reads.titleMatches(this.reader, q, limit)).slice(0, limit);
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
    const rows = await reads.contentMatches(this.reader, fts, limit);
    return rows.concat(await this.protection.searchContent(query, limit)).slice(0, limit);
  }

  /** The protected session's key the search was last given (see syncSearchKey). */
  private searchKey: Buffer | null = null;

  /** Gives the search the protected session's key while it is open, or takes it away: Trilium searches protected notes then. */
  private syncSearchKey(): void {
    const key = this.protectionInstance?.session.peekKey() ?? null;
    if (key === this.searchKey) return;
    this.searchKey = key;
    this.queries.setProtectedReader(key ? {
      title: (stored) => shownTitle(stored, 1, key),
      content: (stored) => { try { return decrypt(key, stored).toString('utf8'); } catch { return null; } },
    } : null);
  }

  async search(query: string, opts?: SearchOptions): Promise<SearchHit[]> {
    await this.ensureIndexed();
    this.syncSearchKey();
    // Trilium's fuzzy second pass follows its synced option (on unless set to "false")
    const fuzzy = opts?.fuzzy ?? (await this.getOption('searchEnableFuzzyMatching')) !== 'false';
    return this.queries.search(query, { ...opts, fuzzy });
  }

  async runSavedSearch(noteId: string): Promise<SearchHit[]> {
    await this.ensureIndexed();
    this.syncSearchKey();
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
    return (await reads.allNotes(this.reader)).map(({ noteId, title, type, parentTitle, isProtected, parentProtected }) => ({
      noteId, title: this.protection.listTitle(title, isProtected), type,
      parentTitle: parentTitle === null ? null : this.protection.listTitle(parentTitle, parentProtected ?? 0),
    }));
  }

  async counts(): Promise<Record<string, number>> {
    return reads.counts(this.reader, this.profile);
  }

  // ----- local operations -----

  async createNote(input: CreateNoteInput): Promise<{ noteId: string; branchId: string }> {
    return this.op((w) => ops.createNote(w, this.keyFor, input));
  }
  async renameNote(noteId: string, title: string): Promise<void> {
    await this.op((w) => ops.renameNote(w, this.keyFor, noteId, title));
  }
  async setNoteContent(noteId: string, content: string | Buffer, base?: ContentBase): Promise<ContentSaveResult> {
    return this.op((w) => ops.setNoteContent(w, this.keyFor, noteId, content, base));
  }
  async setNoteTypeMime(noteId: string, type: string, mime: string): Promise<void> {
    await this.op((w) => ops.setNoteTypeMime(w, noteId, type, mime));
  }
  async moveBranch(branchId: string, newParentNoteId: string, afterBranchId?: string): Promise<string> {
    return this.op((w) => ops.moveBranch(w, branchId, newParentNoteId, afterBranchId));
  }
  async cloneNote(noteId: string, parentNoteId: string, prefix: string | null = null): Promise<string> {
    return this.op((w) => ops.addBranch(w, noteId, parentNoteId, prefix));
  }

  async reorderChildren(parentNoteId: string, branchIdsInOrder: string[]): Promise<void> {
    await this.op((w) => ops.reorderChildren(w, parentNoteId, branchIdsInOrder));
  }
  async setPrefix(branchId: string, prefix: string | null): Promise<void> {
    await this.op((w) => ops.setPrefix(w, branchId, prefix));
  }
  async setExpanded(branchId: string, expanded: boolean): Promise<void> {
    await this.queue.transaction((c) => c.run('UPDATE branches SET isExpanded = ? WHERE branchId = ?', [expanded ? 1 : 0, branchId]));
  }

  async deleteBranch(branchId: string): Promise<string> {
    return this.op((w) => ops.deleteBranch(w, branchId));
  }
  async deleteNote(noteId: string): Promise<string> {
    return this.op((w) => ops.deleteNote(w, noteId));
  }
  async undeleteNote(noteId: string): Promise<void> {
    await this.op((w) => ops.undeleteNote(w, noteId));
  }
  async addAttribute(noteId: string, type: 'label' | 'relation', name: string, value = '', isInheritable = false): Promise<string> {
    return this.op((w) => ops.addAttribute(w, noteId, type, name, value, isInheritable));
  }
  async updateAttribute(attributeId: string, value: string): Promise<void> {
    await this.op((w) => ops.updateAttribute(w, attributeId, value));
  }
  async deleteAttribute(attributeId: string): Promise<void> {
    await this.op((w) => ops.deleteAttribute(w, attributeId));
  }
  async saveRevision(noteId: string, opts: { description?: string; source?: string } = {}): Promise<string> {
    return this.op((w) => ops.saveRevision(w, noteId, opts));
  }
  async addAttachment(ownerId: string, input: { role: string; mime: string; title: string; content: string | Buffer }): Promise<string> {
    return this.op((w) => ops.addAttachment(w, this.keyFor, ownerId, input));
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

  async changeDocumentPassword(oldPassword: string, newPassword: string): Promise<void> {
    await this.protection.changeDocumentPassword(oldPassword, newPassword);
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
      const o = await applyBatch(w, records, opts, bulk ? (this.bulkIndexed ? 'indexed' : 'plain') : false, this.localInstanceIds);
      if (cursor) await writeCursor(c, cursor.name, cursor.value, w.now);
      if (!bulk && !this.searchStale && w.searchDirty.size) await refreshSearch(c, w.searchDirty);
      return o;
    });
    if (bulk) {
      this.flusher().maybeFlush();
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
    return verifyStoredHashes(this.reader, this.profile, this.protectionInstance?.session.peekKey() ?? null);
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

async function openReader(file: string, cacheKib: number): Promise<Connection> {
  const c = await openConnection(file, { create: false });
  await c.exec(`PRAGMA busy_timeout = 10000; PRAGMA cache_size = -${cacheKib}; PRAGMA query_only = 1`);
  return c;
}
