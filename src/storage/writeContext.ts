// What one write transaction needs: the connection, the profile, a fixed "now", and helpers that write
// a row together with its entity change (SYNC-PROTOCOL.md §8.1).
import type { Connection } from './db';
import { insertRows } from './db';
import { blobHash, entityHash, hashedBlobId } from './hash';
import { localDateTimeStr, randomString, utcDateTimeStr } from './ids';
import type { SchemaProfile } from './profiles';
import type { EntityChange, ReplicaChange, Row, SqlValue } from './types';

export const EC_COLUMNS = [
  'entityName', 'entityId', 'hash', 'isErased', 'changeId', 'componentId', 'instanceId', 'isSynced', 'utcDateChanged',
] as const;

export class WriteContext {
  readonly utcNow: string;
  readonly localNow: string;
  readonly change: ReplicaChange;
  /** Notes whose title or content changed, for the search index. */
  readonly searchDirty = new Set<string>();
  /** The protected session's data key when unlocked (copies of protected titles are re-encrypted with it). */
  dataKey: Buffer | null = null;

  constructor(
    readonly c: Connection,
    readonly profile: SchemaProfile,
    readonly instanceId: string,
    readonly now: Date,
    origin: 'local' | 'sync',
  ) {
    this.utcNow = utcDateTimeStr(now);
    this.localNow = localDateTimeStr(now);
    this.change = { noteIds: new Set(), parentNoteIds: new Set(), origin };
  }

  /** REPLACE the entity change of one entity with a fresh changeId and a new autoincrement id. */
  async putEntityChange(
    entityName: string, entityId: string, hash: string, utcDateChanged: string, isSynced = 1, isErased = 0,
  ): Promise<void> {
    await this.c.run(
      `INSERT OR REPLACE INTO entity_changes (${EC_COLUMNS.join(',')}) VALUES (?,?,?,?,?,?,?,?,?)`,
      [entityName, entityId, hash, isErased, randomString(12), 'NA', this.instanceId, isSynced, utcDateChanged],
    );
  }

  async insertEntityChanges(rows: Array<Omit<EntityChange, 'id'>>): Promise<void> {
    await insertRows(this.c, 'INSERT OR REPLACE', 'entity_changes', [...EC_COLUMNS],
      rows.map((r) => EC_COLUMNS.map((k) => r[k] as SqlValue)));
  }

  /** Upsert a row of a synced table and write its entity change (hash per profile, `|deleted` when deleted). */
  async saveRow(table: string, row: Row): Promise<void> {
    const def = this.profile.tables[table];
    const cols = def.columns.map((x) => x.name).filter((n) => n in row);
    await this.c.run(
      `INSERT OR REPLACE INTO ${table} (${cols.map((x) => `"${x}"`).join(',')}) VALUES (${cols.map(() => '?').join(',')})`,
      cols.map((k) => row[k]),
    );
    const deleted = 'isDeleted' in row && !!row.isDeleted;
    const date = (row.utcDateModified ?? row.utcDateCreated) as string;
    const isSynced = table === 'options' ? Number(row.isSynced ?? 0) : 1;
    await this.putEntityChange(table, String(row[def.pk]), entityHash(def, row, deleted), date, isSynced);
    if ((table === 'notes' || table === 'attachments' || table === 'revisions') && typeof row.blobId === 'string') {
      await this.adoptBlob(row.blobId);
    }
  }

  /**
   * A local save of a row pointing at a blob that came from a peer makes the blob's change ours, so it is pushed
   * along: the peer may have purged the blob meanwhile (unused there), and would otherwise never get it back.
   */
  private async adoptBlob(blobId: string): Promise<void> {
    const ec = await this.c.get<{ hash: string; instanceId: string; utcDateChanged: string }>(
      "SELECT hash, instanceId, utcDateChanged FROM entity_changes WHERE entityName = 'blobs' AND entityId = ?", [blobId]);
    if (ec && ec.instanceId !== this.instanceId) {
      await this.putEntityChange('blobs', blobId, ec.hash, ec.utcDateChanged);
    }
  }

  async getRow<T = Row>(table: string, id: string): Promise<T | undefined> {
    const def = this.profile.tables[table];
    return this.c.get<T>(`SELECT * FROM ${table} WHERE "${def.pk}" = ?`, [id]);
  }

  /** Stores content as a content-addressed blob (writing it only when new) and returns its blobId. */
  async saveBlob(content: string | Buffer): Promise<string> {
    const blobId = hashedBlobId(content);
    const exists = await this.c.get('SELECT 1 AS x FROM blobs WHERE blobId = ?', [blobId]);
    if (!exists) {
      await this.c.run('INSERT INTO blobs (blobId, content, dateModified, utcDateModified) VALUES (?,?,?,?)',
        [blobId, content, this.localNow, this.utcNow]);
      await this.putEntityChange('blobs', blobId, blobHash(blobId, content), this.utcNow);
    }
    return blobId;
  }

  /** Removes a blob no note, attachment or revision uses any more, with its entity change (no tombstone). */
  async deleteBlobIfUnused(blobId: string | null): Promise<void> {
    if (!blobId) return;
    const used = await this.c.get(
      `SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM notes WHERE blobId = ?1) OR EXISTS (SELECT 1 FROM attachments WHERE blobId = ?1)
         OR EXISTS (SELECT 1 FROM revisions WHERE blobId = ?1)`, [blobId]);
    if (used) return;
    await this.c.run('DELETE FROM blobs WHERE blobId = ?', [blobId]);
    await this.c.run("DELETE FROM entity_changes WHERE entityName = 'blobs' AND entityId = ?", [blobId]);
  }
}
